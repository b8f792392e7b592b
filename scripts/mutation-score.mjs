#!/usr/bin/env node
// Prints the mutation score per folder and over all of them from Stryker's JSON reports
// (reports/mutation/<folder>.json, mutation-testing-report-schema). Exits 1 below the thresholds.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { calculateMetrics } from "mutation-testing-metrics";

export const FOLDERS = ["stack", "plan", "render", "presets", "dev/restart", "fs", "watch"];
const TOTAL_MIN = 85;
const FOLDER_MIN = 75;

function main() {
  const files = {};
  const rows = [];
  for (const folder of FOLDERS) {
    const slug = folder.replaceAll("/", "-");
    // The folder's report, or the reports of its parts (STRYKER_PART, see stryker.config.mjs).
    const paths = existsSync("reports/mutation") ? readdirSync("reports/mutation").filter((f) => f === `${slug}.json` || (f.startsWith(`${slug}.`) && f.endsWith(".json"))) : [];
    if (paths.length === 0) {
      rows.push({ folder, missing: true });
      continue;
    }
    const own = {};
    for (const path of paths) {
      const report = JSON.parse(readFileSync(`reports/mutation/${path}`, "utf8"));
      for (const [name, file] of Object.entries(report.files)) if (name.startsWith(`src/${folder}/`)) own[name] = file;
    }
    Object.assign(files, own);
    rows.push({ folder, ...calculateMetrics(own).metrics });
  }
  const pad = (s, n) => String(s).padEnd(n);
  const num = (s, n) => String(s).padStart(n);
  console.log(`${pad("folder", 13)}${num("score", 8)}${num("mutants", 9)}${num("killed", 8)}${num("timeout", 9)}${num("survived", 10)}${num("no cov", 8)}`);
  let ok = true;
  for (const r of rows) {
    if (r.missing) {
      console.log(`${pad(`src/${r.folder}`, 13)}  no report: run npm run mutate -- ${r.folder}`);
      ok = false;
      continue;
    }
    if (r.mutationScore < FOLDER_MIN) ok = false;
    console.log(`${pad(`src/${r.folder}`, 13)}${num(r.mutationScore.toFixed(1) + "%", 8)}${num(r.totalValid, 9)}${num(r.killed, 8)}${num(r.timeout, 9)}${num(r.survived, 10)}${num(r.noCoverage, 8)}`);
  }
  const total = calculateMetrics(files).metrics;
  if (!(total.mutationScore >= TOTAL_MIN)) ok = false;
  console.log(`${pad("all", 13)}${num(total.mutationScore.toFixed(1) + "%", 8)}${num(total.totalValid, 9)}${num(total.killed, 8)}${num(total.timeout, 9)}${num(total.survived, 10)}${num(total.noCoverage, 8)}`);
  console.log(ok ? `ok: >= ${TOTAL_MIN}% over all and >= ${FOLDER_MIN}% in each folder` : `below target: ${TOTAL_MIN}% over all, ${FOLDER_MIN}% in each folder`);
  return ok;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main() ? 0 : 1);
