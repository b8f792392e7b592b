#!/usr/bin/env node
// npm run mutate [-- FOLDER...]: Stryker over each folder of the core in turn (incremental), then the
// score per folder. FOLDER is a path under src/ (stack, dev/restart, ...); default: all of them.
import { spawnSync } from "node:child_process";
import { FOLDERS } from "./mutation-score.mjs";

const args = process.argv.slice(2);
const folders = args.length > 0 ? args : FOLDERS;
for (const folder of folders) {
  if (!FOLDERS.includes(folder)) {
    console.error(`error: unknown folder "${folder}"\nhint: one of ${FOLDERS.join(", ")}`);
    process.exit(2);
  }
}
for (const folder of folders) {
  console.log(`\n== mutating src/${folder}`);
  const started = Date.now();
  const res = spawnSync("npx", ["stryker", "run", "--incremental"], {
    stdio: "inherit",
    env: { ...process.env, STRYKER_FOLDER: folder },
  });
  console.log(`== src/${folder}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (res.status !== 0) process.exit(res.status ?? 1);
}
const score = spawnSync(process.execPath, [new URL("./mutation-score.mjs", import.meta.url).pathname], { stdio: "inherit" });
process.exit(score.status ?? 1);
