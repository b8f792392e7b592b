// Bundles the two CLI entries into dist/bin/ with code splitting: every lazily imported command
// stays a separate chunk, loaded only when used, and start-up reads a few files instead of
// resolving yargs' module tree file by file. Native and rarely used heavy packages stay external.
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { composeSchemaValidatorModule, precheckedPresetsModule, precompiledTemplatesModule, schemaValidatorsModule } from "./precompile.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// Four modules of src/ are replaced by what they compute, computed here once: the JSON Schema
// validators (src/fs/schema-validators.ts compiles them on first use; ajv's compiler is then
// neither loaded nor run by a command), the shipped presets' checked data
// (src/presets/prechecked-presets.ts knows none, so tests parse and check every preset) and the
// shipped templates as code (src/render/precompiled-templates.ts knows none: Handlebars'
// compiler, its parser and source maps, are loaded only for a template not shipped).
const MODULES = {
  "schema-validators": schemaValidatorsModule,
  "compose-schema-validator": composeSchemaValidatorModule,
  "prechecked-presets": precheckedPresetsModule,
  "precompiled-templates": precompiledTemplatesModule,
};
const precompiled = {
  name: "precompiled",
  setup(b) {
    b.onResolve({ filter: /(^|\/)(schema-validators|compose-schema-validator|prechecked-presets|precompiled-templates)\.js$/ }, (args) => ({ path: /([a-z-]+)\.js$/.exec(args.path)[1], namespace: "precompiled" }));
    b.onLoad({ filter: /.*/, namespace: "precompiled" }, (args) => ({ contents: MODULES[args.path](), loader: "js", resolveDir: ROOT }));
  },
};

// yargs' ESM shim, bundled, would look for "the main package.json" upward from the working
// directory (it finds node_modules in its own path only when not bundled): on every run, a
// listing of each folder up to / (a /tmp of thousands of entries took tens of milliseconds), for
// a version we then replace with our own. Here it starts at our package root. And its two
// assertions do not need node:assert, whose loading creates the stderr stream up front.
const yargsShim = {
  name: "yargs-shim",
  setup(b) {
    b.onLoad({ filter: /yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const patched = source
        .replace("import { notStrictEqual, strictEqual } from 'assert'", "const notStrictEqual = (a, b, m) => { if (a === b) throw new Error(m ?? `${String(a)} should not be ${String(b)}`) }; const strictEqual = (a, b, m) => { if (a !== b) throw new Error(m ?? `${String(a)} should be ${String(b)}`) };")
        .replace("const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));", "const mainFilename = fileURLToPath(new URL(import.meta.url.includes('/chunks/') ? '../../../package.json' : '../../package.json', import.meta.url));");
      if (patched === source || !patched.includes("const notStrictEqual =") || !patched.includes("'../../../package.json'")) throw new Error(`bundle: yargs' shim changed (${args.path}); review the yargs-shim plugin`);
      return { contents: patched, loader: "js" };
    });
  },
};

// string-width (yargs' and cliui's copies) builds an Intl.Segmenter and Unicode property regexes
// as its module loads: ICU's break iterator and those character classes cost ~30 ms of CPU on
// every run, --version included, though only help and usage text measure widths. Here its body
// runs on the first call instead; what it computes is unchanged.
const lazyStringWidth = {
  name: "lazy-string-width",
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("new Intl.Segmenter()")) return undefined; // an older copy without one: as it is
      const imports = source.match(/^import .*;$/gm) ?? [];
      let body = source;
      for (const line of imports) body = body.replace(line, "");
      const exported = "export default function stringWidth(";
      if (body.split(exported).length !== 2 || /^export /m.test(body.replace(exported, ""))) throw new Error(`bundle: string-width changed (${args.path}); review the lazy-string-width plugin`);
      body = body.replace(exported, "function stringWidth(");
      const contents = [...imports, "let measure;", "export default function stringWidth(string, options) {", "  measure ??= load();", "  return measure(string, options);", "}", "function load() {", body, "return stringWidth;", "}", ""].join("\n");
      return { contents, loader: "js" };
    });
  },
};

// dockerode loads, as it loads, what only rare paths use: docker-modem's SSH transport (ssh2, for
// an ssh:// DOCKER_HOST), dockerode's BuildKit session (gRPC, for buildImage with a session) and
// tar-fs (buildImage's context). Those modules are about two thirds of its load time, paid by
// every command that talks to the engine. Bundled here, each is required on its first use
// instead; the rest of dockerode is as it is. dockerode stays a dependency, pinned to the
// version bundled here: its own dependencies are installed with it, at the versions that
// version asks for (see dockerodeDeps below).
const LAZY_REQUIRES = [
  { file: /docker-modem[\\/]lib[\\/]modem\.js$/, line: "ssh = require('./ssh'),", lazy: "ssh = function () { return require('./ssh').apply(this, arguments); }," },
  { file: /dockerode[\\/]lib[\\/]docker\.js$/, line: "withSession = require('./session'),", lazy: "withSession = function () { return require('./session').apply(this, arguments); }," },
  // tar-fs (and its streams) packs a build context for buildImage, which this tool never calls.
  { file: /dockerode[\\/]lib[\\/]util\.js$/, line: "var tar = require('tar-fs');", lazy: "var tar = { pack: function () { var t = require('tar-fs'); return t.pack.apply(t, arguments); } };" },
];
const lazyDockerodeParts = {
  name: "lazy-dockerode-parts",
  setup(b) {
    for (const { file, line, lazy } of LAZY_REQUIRES) {
      b.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (source.split(line).length !== 2) throw new Error(`bundle: ${args.path} changed (no single "${line}"); review the lazy-dockerode-parts plugin`);
        return { contents: source.replace(line, lazy), loader: "js" };
      });
    }
  },
};

// The modules dockerode and docker-modem require and this bundle leaves out (above, and what they
// load as they load: readable-stream, debug, split-ca) come from their own install, resolved from
// where dockerode and docker-modem are, as each would resolve them: never from wherever a name
// lands in the user's node_modules tree (another major version may sit there).
const DOCKERODE_DEPS = {
  dockerode: ["@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "tar-fs"],
  "docker-modem": ["ssh2", "readable-stream", "debug", "split-ca"],
};
const dockerodeDeps = {
  name: "dockerode-deps",
  setup(b) {
    const owners = new Map(Object.entries(DOCKERODE_DEPS).flatMap(([owner, deps]) => deps.map((d) => [d, owner])));
    const filter = new RegExp(`^(${[...owners.keys()].map((d) => d.replace(/[/.]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) => (/node_modules[\\/](dockerode|docker-modem)[\\/]/.test(args.importer) ? { path: args.path, namespace: "dockerode-dep" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "dockerode-dep" }, (args) => {
      const dockerode = 'require.resolve("dockerode")';
      const from = owners.get(args.path) === "dockerode" ? dockerode : `require("node:module").createRequire(${dockerode}).resolve("docker-modem")`;
      return { contents: `module.exports = require("node:module").createRequire(${from})(${JSON.stringify(args.path)});`, loader: "js" };
    });
  },
};

// Chunk names carry a content hash: clear the old ones rather than ship them beside the new.
rmSync(join(ROOT, "dist/bin"), { recursive: true, force: true });
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
  external: ["@parcel/watcher", "@inquirer/prompts", "get-port", "ajv", "handlebars", "node-forge"],
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [precompiled, yargsShim, lazyStringWidth, lazyDockerodeParts, dockerodeDeps],
  logLevel: "warning",
});
