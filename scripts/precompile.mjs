// What the build computes once so that no command pays for it at run time: the JSON Schema
// validators of stack.yaml and preset.yaml as code (ajv standalone), the shipped presets
// parsed and checked, and the shipped templates compiled. Runs after tsc, from its output: the
// same options, files and checks as src/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { contentHash } from "../dist/fs/content-hash.js";
import { COMPOSE_SCHEMA_FILE, PRESET_SCHEMA_FILE, PRESETS_DIR, SCHEMA_FILE, TEMPLATES_DIR } from "../dist/fs/package-paths.js";
import { TEMPLATE_OPTIONS } from "../dist/render/render-template.js";
import { AJV_OPTIONS } from "../dist/fs/schema-validators.js";
import { COMPOSE_AJV_OPTIONS } from "../dist/fs/compose-schema-validator.js";
import { loadPresets } from "../dist/presets/load-presets.js";
import { checkPreset } from "../dist/presets/check-preset.js";

const standaloneCode = standalone.default ?? standalone;

/**
 * An ES module with the exports of src/fs/schema-validators.ts, the validators generated ahead of
 * time. Their `validate.errors` are the ones the compiled validators give: same ajv, same options.
 */
export function schemaValidatorsModule() {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  ajv.addSchema(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")), "stack");
  ajv.addSchema(JSON.parse(readFileSync(PRESET_SCHEMA_FILE, "utf8")), "preset");
  return [
    standaloneCode(ajv, { stackValidator: "stack", presetValidator: "preset" }),
    `export const AJV_OPTIONS = ${JSON.stringify(AJV_OPTIONS)};`,
    "export const stackSchemaValidator = () => stackValidator;",
    "export const presetSchemaValidator = () => presetValidator;",
    "",
  ].join("\n");
}

/**
 * An ES module with the exports of src/fs/compose-schema-validator.ts: the Compose
 * Specification's validator as code. Built inside a function on first use, so loading the module
 * costs only its parse.
 */
export function composeSchemaValidatorModule() {
  const composeAjv = new Ajv({ ...COMPOSE_AJV_OPTIONS, code: { source: true, esm: true } });
  composeAjv.addSchema(JSON.parse(readFileSync(COMPOSE_SCHEMA_FILE, "utf8")), "compose");
  // The generated code goes in a function body: its top-level consts are made on first use.
  let composeCode = standaloneCode(composeAjv, { composeValidator: "compose" }).replace(/^"use strict";/, "");
  const exported = /export const composeValidator = (\w+);/.exec(composeCode);
  if (!exported) throw new Error("ajv's standalone output changed: no composeValidator export");
  composeCode = composeCode.replace(exported[0], "") + `\nreturn ${exported[1]};`;
  return [
    `export const COMPOSE_AJV_OPTIONS = ${JSON.stringify(COMPOSE_AJV_OPTIONS)};`,
    "let composeCompiled;",
    `function buildCompose() {\n${composeCode}\n}`,
    "export const composeSchemaValidator = () => (composeCompiled ??= buildCompose());",
    "",
  ].join("\n");
}

/**
 * An ES module with the exports of src/presets/prechecked-presets.ts: every shipped preset.yaml's
 * checked data by its text's hash. A preset that fails its checks fails the build, with the
 * message the CLI would print.
 */
export function precheckedPresetsModule() {
  loadPresets(PRESETS_DIR); // every check a command makes, the name-matches-folder one included
  const table = {};
  for (const name of readdirSync(PRESETS_DIR)) {
    const file = join(PRESETS_DIR, name, "preset.yaml");
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    table[contentHash(text)] = checkPreset(text, `presets/${name}/preset.yaml`);
  }
  return [
    `const table = ${JSON.stringify(JSON.stringify(table))};`,
    "let parsed;",
    "// A copy per call: a caller gets data of its own, as from checkPreset.",
    "export function precheckedPreset(hash) {",
    "  parsed ??= JSON.parse(table);",
    "  return parsed[hash] === undefined ? undefined : JSON.parse(JSON.stringify(parsed[hash]));",
    "}",
    "",
  ].join("\n");
}

/**
 * An ES module with the exports of src/render/precompiled-templates.ts: every shipped template
 * (presets/ and templates/, *.hbs) compiled to code by the text's hash, with the options
 * render-template.ts compiles with. Each spec is made on first use.
 */
export function precompiledTemplatesModule() {
  const require = createRequire(import.meta.url);
  const Handlebars = require("handlebars");
  const entries = new Map();
  for (const file of [...hbsFiles(PRESETS_DIR), ...hbsFiles(TEMPLATES_DIR)]) {
    const text = readFileSync(file, "utf8");
    // Without each lookup's line and column (a fifth of the code): they only place the message
    // of a variable missing in strict mode, a bug of ours that the tests' compiled runs place.
    entries.set(contentHash(text), Handlebars.precompile(text, TEMPLATE_OPTIONS).replace(LOCATION, "null"));
  }
  // Each spec's code is kept as a string and made into its object on first use: loading the
  // module parses strings only, and the templates' text (starter code with its own imports) never
  // reads as this package's code.
  return [
    `const specs = ${JSON.stringify(Object.fromEntries(entries))};`,
    "const made = new Map();",
    "export function precompiledTemplate(hash) {",
    "  if (!Object.hasOwn(specs, hash)) return undefined;",
    "  if (!made.has(hash)) made.set(hash, new Function(`return (${specs[hash]});`)());",
    "  return made.get(hash);",
    "}",
    "",
  ].join("\n");
}

const LOCATION = /\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}/g;

function hbsFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".hbs"))
    .sort()
    .map((f) => join(dir, f));
}
