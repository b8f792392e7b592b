import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The engine and compose the end-to-end tests run on (test/lanes/run-e2e.sh sets it): the
// project's name carries it, so every test line of the output says which lane it ran on.
const lane = process.env.E2E_LANE;

// Tests never touch the user's own local CA (XDG data folder): each run gets a data folder of its
// own, inherited by the test workers and the CLIs they spawn.
process.env.XDG_DATA_HOME = mkdtempSync(join(tmpdir(), "create-stack-test-data-"));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/golden/**/*.test.ts", "test/architecture/**/*.test.ts", "test/lanes/**/*.test.ts"],
          globalSetup: ["test/support/unit-setup.ts"],
          // Property-style tests run thousands of cases: 5 s is too short on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: lane ? `e2e:${lane}` : "e2e",
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
