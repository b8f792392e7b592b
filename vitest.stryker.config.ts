import { defineConfig } from "vitest/config";

// Mutation testing runs the unit and golden suites only: the e2e suite needs the engine and the
// built CLI, and a mutant in src/ never reaches dist/.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/golden/**/*.test.ts", "test/unit/**/*.test.ts"],
    // The built-CLI test runs dist/ (a mutant in src/ never reaches it); the compose CLI test starts
    // compose for seconds per case and checks compose, not our branches (the schema test stays).
    // precompiled.test.ts runs the build's generators, which load dist/.
    exclude: ["test/golden/create-stack-cli.test.ts", "test/golden/compose-cli.test.ts", "src/fs/precompiled.test.ts", "**/node_modules/**"],
    // Stryker runs the tests in worker threads. @parcel/watcher is a native addon that loads in one
    // thread per process only: one reused thread for every file keeps the native watcher testable.
    isolate: false,
  },
});
