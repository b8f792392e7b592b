import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// A report vitest wrote (--reporter=json) for a file with one passing and one failing test, its
// paths written relative to ROOT; each test puts it in a folder of its own, the script's working
// directory, with ROOT that folder.
const SCRIPT = join(import.meta.dirname, "failed-tests.mjs");
const FIXTURE = readFileSync(join(import.meta.dirname, "fixtures/vitest-report.json"), "utf8");

/** The script's output for the fixture (changed by `edit`), or for `text` as the report file. */
function failedTests(edit?: (report: { testResults: object[] }, root: string) => void, text?: string): string {
  const root = mkdtempSync(join(tmpdir(), "failed-tests-"));
  const report = JSON.parse(FIXTURE.replaceAll("ROOT/", `${root}/`)) as { testResults: object[] };
  edit?.(report, root);
  if (text !== "") writeFileSync(join(root, "report.json"), text ?? JSON.stringify(report));
  return execFileSync("node", [SCRIPT, join(root, "report.json"), "current"], { cwd: root, encoding: "utf8" });
}

describe("the failed tests listed at the end of the e2e lanes", () => {
  it("names each failed test with its lane and file, and the first lines of its error; not the passing one", () => {
    const out = failedTests();
    expect(out.split("\n")[0]).toBe("lane current: FAIL src/tmpfail/x.test.ts > a suite fails on purpose");
    expect(out).toContain("AssertionError: expected { a: 1 } to deeply equal { a: 2 }");
    expect(out).not.toContain("passes");
    expect(out).not.toMatch(/node_modules|\x1b\[/);
  });

  it("a file that failed as a whole (it did not load): its message", () => {
    const out = failedTests((report, root) => report.testResults.push({ name: join(root, "test/e2e/broken.test.ts"), status: "failed", message: "Error: Cannot find module './nope.js'", assertionResults: [] }));
    expect(out).toContain("lane current: FAIL test/e2e/broken.test.ts\n  Error: Cannot find module './nope.js'\n");
  });

  it("no report (vitest did not finish) or one that is not JSON: says so", () => {
    expect(failedTests(undefined, "")).toBe("lane current: no test report (vitest did not finish)\n");
    expect(failedTests(undefined, "{ cut off")).toBe("lane current: no test report (vitest did not finish)\n");
  });
});
