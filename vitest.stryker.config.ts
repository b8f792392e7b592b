import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Test files that run the built CLIs (dist/bin, test/support/built-cli): a mutant in src/ never
 * reaches dist/, and the unit project's build step is not part of a mutation run. Found by reading
 * the files, so a new test of the built CLI cannot make the dry run fail (a hand-kept list drifted).
 */
function builtCliTests(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".test.ts")) continue;
    const path = join(entry.parentPath, entry.name);
    if (/dist\/bin\/|support\/built-cli/.test(readFileSync(path, "utf8"))) out.push(path);
  }
  return out;
}

// As in vitest.config.ts: never the user's own local CA.
process.env.XDG_DATA_HOME = mkdtempSync(join(tmpdir(), "create-stack-test-data-"));

// Mutation testing runs the unit and golden suites only: the e2e suite needs the engine and the
// built CLI, and a mutant in src/ never reaches dist/.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/golden/**/*.test.ts", "test/unit/**/*.test.ts"],
    // The compose CLI test starts compose for seconds per case and checks compose, not our
    // branches (the schema test stays).
    exclude: [
      ...builtCliTests("test/golden"),
      ...builtCliTests("src"),
      "test/golden/compose-cli.test.ts",
      // Tests src/export, which is not mutated.
      "test/golden/export.test.ts",
      // Runs the build's generators, which load dist/.
      "src/fs/precompiled.test.ts",
      "**/node_modules/**",
    ],
    // Stryker runs the tests in worker threads. @parcel/watcher is a native addon that loads in one
    // thread per process only: one reused thread for every file keeps the native watcher testable.
    isolate: false,
    // ...and a fresh module registry per test file, so module state (caches, constants) is the
    // active mutant's, not that of whichever file loaded the module first.
    setupFiles: ["test/support/fresh-modules.ts"],
    // Instrumented code on a busy machine: the dry run must not fail on vitest's 5 s default.
    testTimeout: 30_000,
  },
});
