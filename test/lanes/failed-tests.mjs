// Prints the failed tests of a vitest JSON report (one lane), each with the first lines of its
// error, so the end of a long run says what failed without scrolling back through both lanes.
// Usage: node test/lanes/failed-tests.mjs REPORT.json LANE
import { readFileSync } from "node:fs";

const [reportPath, lane] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(reportPath, "utf8"));
} catch {
  console.log(`lane ${lane}: no test report (vitest did not finish)`);
  process.exit(0);
}
const strip = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");
// The error and the test's own frames; the test runner's frames say nothing.
const ownLines = (text) =>
  strip(text)
    .split("\n")
    .filter((line) => !/node_modules|node:internal|at new Promise/.test(line))
    .slice(0, 12);
const relative = (path) => (path.startsWith(process.cwd() + "/") ? path.slice(process.cwd().length + 1) : path);
for (const file of report.testResults ?? []) {
  const failed = (file.assertionResults ?? []).filter((test) => test.status === "failed");
  if (failed.length === 0 && file.status === "failed") {
    console.log(`lane ${lane}: FAIL ${relative(file.name)}`);
    for (const line of ownLines(file.message ?? "")) console.log(`  ${line}`);
  }
  for (const test of failed) {
    console.log(`lane ${lane}: FAIL ${relative(file.name)} > ${test.fullName}`);
    for (const line of ownLines((test.failureMessages ?? []).join("\n"))) console.log(`  ${line}`);
  }
}
