import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/bin/", import.meta.url));

/** The shell block of an example's README: the commands that make it. */
export function exampleCommands(name: string): string {
  const readme = readFileSync(join(EXAMPLES, name, "README.md"), "utf8");
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error(`examples/${name}/README.md has no sh block`);
  return block[1]!;
}

/** Runs an example's commands in a fresh folder with create-stack and dev on the PATH; returns the project. */
export function scaffoldExample(name: string, env: NodeJS.ProcessEnv = {}): { dir: string; stdout: string; stderr: string; status: number | null } {
  const work = mkdtempSync(join(tmpdir(), `example-${name}-`));
  const bin = join(work, ".bin");
  mkdirSync(bin);
  for (const cli of ["create-stack", "dev"]) {
    writeFileSync(join(bin, cli), `#!/bin/sh\nexec "${process.execPath}" "${join(DIST, `${cli}.js`)}" "$@"\n`);
    chmodSync(join(bin, cli), 0o755);
  }
  const res = spawnSync("bash", ["-euo", "pipefail", "-c", exampleCommands(name)], {
    cwd: work, encoding: "utf8", env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" }, timeout: 240_000,
  });
  const dirs = readdirSync(work).filter((d) => d !== ".bin");
  return { dir: join(work, dirs[0] ?? ""), stdout: res.stdout, stderr: res.stderr, status: res.status };
}

