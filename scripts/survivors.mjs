#!/usr/bin/env node
// Lists the surviving (and uncovered) mutants of a folder's report: file:line:col, mutator, replacement.
// Usage: node scripts/survivors.mjs [FOLDER...] (default: every report in reports/mutation).
import { existsSync, readdirSync, readFileSync } from "node:fs";

const dir = "reports/mutation";
const slugs = process.argv.slice(2).map((f) => f.replaceAll("/", "-"));
// A folder's report, or the reports of its parts (STRYKER_PART: <folder>.<part>.json).
const ofFolder = (f) => slugs.length === 0 || slugs.some((s) => f === `${s}.json` || (f.startsWith(`${s}.`) && f.endsWith(".json")));
const reports = (existsSync(dir) ? readdirSync(dir) : []).filter(ofFolder);
for (const name of reports) {
  const report = JSON.parse(readFileSync(`${dir}/${name}`, "utf8"));
  for (const [file, result] of Object.entries(report.files)) {
    for (const m of result.mutants) {
      if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
      const { line, column } = m.location.start;
      console.log(`${file}:${line}:${column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? "")}`);
    }
  }
}
