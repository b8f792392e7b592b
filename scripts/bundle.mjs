// Bundles the two CLI entries into dist/bin/ with code splitting: every lazily imported command
// stays a separate chunk, loaded only when used, and start-up reads a few files instead of
// resolving yargs' module tree file by file. Native and rarely used heavy packages stay external.
import { build } from "esbuild";

await build({
  entryPoints: { "create-stack": "src/cli/create-stack.ts", dev: "src/cli/dev.ts" },
  outdir: "dist/bin",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  chunkNames: "chunks/[name]-[hash]",
  external: ["dockerode", "@parcel/watcher", "@inquirer/prompts", "get-port", "ajv", "handlebars"],
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
