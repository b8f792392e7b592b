import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { PRESET_SCHEMA_FILE, SCHEMA_FILE } from "./package-paths.js";

/** How both schemas are compiled, here and at build time (scripts/precompile.mjs). */
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;


/**
 * The JSON Schema validators of stack.yaml and preset.yaml. Compiled on first use here (tests run
 * this file); the bundled CLI gets the same functions as code generated at build time (ajv
 * standalone, see scripts/bundle.mjs), since compiling them took every command tens of ms.
 */
const compiled = new Map<string, ValidateFunction>();

function validatorOf(file: string): ValidateFunction {
  let validate = compiled.get(file);
  if (!validate) {
    validate = new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(file, "utf8")));
    compiled.set(file, validate);
  }
  return validate;
}

export const stackSchemaValidator = (): ValidateFunction => validatorOf(SCHEMA_FILE);
export const presetSchemaValidator = (): ValidateFunction => validatorOf(PRESET_SCHEMA_FILE);
