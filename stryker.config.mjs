// Mutation testing of the pure core and the small modules around it. `npm run mutate` (scripts/mutate.mjs)
// runs Stryker one folder at a time with STRYKER_FOLDER set, so each folder keeps its own report and
// incremental file and a re-run after a small change only tests the mutants it touched.
const folder = process.env.STRYKER_FOLDER;
const slug = folder ? folder.replaceAll("/", "-") : "all";
const scope = folder ? `src/${folder}` : "src/{stack,plan,render,presets,dev/restart,fs,watch}";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  // No type checker runs (vitest strips types), and the default would put `// @ts-nocheck` atop the
  // .js files the golden tests read as expected output.
  disableTypeChecks: false,
  // restart-service.ts drives the engine (restarts, reloads): covered end to end, not by mutants.
  mutate: [`${scope}/**/*.ts`, "!src/**/*.test.ts", "!src/dev/restart/restart-service.ts"],
  ignorePatterns: ["dist", ".bench", "reports", ".stryker-tmp*", "coverage"],
  reporters: ["json", "progress"],
  jsonReporter: { fileName: `reports/mutation/${slug}.json` },
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${slug}.json`,
  // The machine is usually busy with other work: two test processes at most.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 10000,
  // A folder of its own per run, so two folders can be mutated at once.
  tempDirName: `.stryker-tmp-${slug}`,
  cleanTempDir: "always",
};
