import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { COMPOSE_SCHEMA_FILE } from "./package-paths.js";

/** The Compose Specification's schema names a meta-schema and formats ajv does not ship. */
export const COMPOSE_AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false, validateSchema: false } as const;

let compiled: ValidateFunction | undefined;

/**
 * The validator of the Compose Specification's schema. Compiling it takes over a second, so the
 * bundled CLI gets it generated at build time (scripts/precompile.mjs), in a module of its own
 * that only dev lint loads.
 */
export function composeSchemaValidator(): ValidateFunction {
  compiled ??= new Ajv(COMPOSE_AJV_OPTIONS).compile(JSON.parse(readFileSync(COMPOSE_SCHEMA_FILE, "utf8")));
  return compiled;
}
