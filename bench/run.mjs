// Runs every bench/*-bench.mjs and prints one table. Each figure comes with the baseline measured
// in the same run; targets are reported, not enforced (timings belong here, not in tests).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const only = process.argv.slice(2);
const dir = fileURLToPath(new URL(".", import.meta.url));
const modules = readdirSync(dir).filter((f) => f.endsWith("-bench.mjs") && (only.length === 0 || only.some((o) => f.startsWith(o))));
const rows = [];
for (const file of modules) {
  process.stderr.write(`running ${file}...\n`);
  const { run } = await import(new URL(file, import.meta.url));
  for (const row of await run()) rows.push({ bench: file.replace("-bench.mjs", ""), ...row });
}
const fmt = (r) => (r.unit === "x" || r.unit === "%" || r.unit === "load" || r.unit === "s" ? r.value.toFixed(2) : r.value.toFixed(0));
const verdict = (r) => (r.target === undefined ? "" : r.value <= r.target ? `ok (<= ${r.target})` : `MISSED (target <= ${r.target})`);
const width = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) console.log(`${r.bench.padEnd(8)} ${r.name.padEnd(width)} ${fmt(r).padStart(9)} ${r.unit.padEnd(5)} ${verdict(r)}`);
