// What the build computes once so that no command pays for it at run time: the JSON Schema
// validators of stack.yaml and preset.yaml as code (ajv standalone), and the shipped presets
// parsed and checked. Runs after tsc, from its output: the same options, files and checks as src/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { contentHash } from "../dist/fs/content-hash.js";
import { PRESET_SCHEMA_FILE, PRESETS_DIR, SCHEMA_FILE } from "../dist/fs/package-paths.js";
import { AJV_OPTIONS } from "../dist/fs/schema-validators.js";
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
