import { defineConfig } from "vitest/config";

// Mutation testing runs the unit and golden suites only: the e2e suite needs the engine and the
// built CLI, and a mutant in src/ never reaches dist/.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/golden/**/*.test.ts", "test/unit/**/*.test.ts"],
    // Tests of the built CLIs run dist/ (a mutant in src/ never reaches it, and the unit project's
    // build step is not part of a mutation run); the compose CLI test starts compose for seconds per
    // case and checks compose, not our branches (the schema test stays).
    exclude: [
      "test/golden/create-stack-cli.test.ts",
      "test/golden/bad-input-cli.test.ts",
      "test/golden/daily-cli.test.ts",
      "test/golden/export-cli.test.ts",
      "test/golden/write-path.test.ts",
      "test/golden/examples.test.ts",
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
