import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/golden/**/*.test.ts", "test/architecture/**/*.test.ts"],
          globalSetup: ["test/support/unit-setup.ts"],
          // Property-style tests run thousands of cases: 5 s is too short on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          // Each file runs whole stacks on a 2-core machine: one at a time keeps timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
