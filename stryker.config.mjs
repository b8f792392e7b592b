// Mutation testing of the pure core and the small modules around it. `npm run mutate` (scripts/mutate.mjs)
// runs Stryker one folder at a time with STRYKER_FOLDER set, so each folder keeps its own report and
// incremental file and a re-run after a small change only tests the mutants it touched.
const folder = process.env.STRYKER_FOLDER;
// STRYKER_PART=NAME:FILE,FILE... mutates only those files of the folder, into a report of its own
// (reports/mutation/<folder>.<NAME>.json, which mutation-score counts with the folder's).
const [partName, partFiles] = (process.env.STRYKER_PART ?? "").split(":");
const slug = (folder ? folder.replaceAll("/", "-") : "all") + (partName ? `.${partName}` : "");
const scope = folder ? `src/${folder}` : "src/{stack,plan,render,presets,dev/restart,fs,watch}";
const targets = partFiles ? partFiles.split(",").map((f) => `${scope}/${f}`) : [`${scope}/**/*.ts`];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // related: false, so the dry run takes the config's include/exclude as they are (related-file
  // lookup brought excluded test files back in).
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  // No type checker runs (vitest strips types), and the default would put `// @ts-nocheck` atop the
  // .js files the golden tests read as expected output.
  disableTypeChecks: false,
  // restart-service.ts drives the engine (signals the supervisor, restarts through the Engine API,
  // waits for the port): measured, its 187 mutants are 18% killed by unit tests (only through the
  // fake engine of the watch-loop tests), 101 uncovered. What it does is tested end to end against
  // real containers (test/e2e/reload.test.ts, dev-up.test.ts), which mutants never reach (dist/).
  mutate: [...targets, "!src/**/*.test.ts", "!src/dev/restart/restart-service.ts"],
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
