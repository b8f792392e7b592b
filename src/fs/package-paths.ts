import { fileURLToPath } from "node:url";

/**
 * Folders shipped with the package. Modules live in src/<area>/ (tests) or dist/<area>/ (built),
 * so the package root is two levels up from either.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PRESETS_DIR = fileURLToPath(new URL("../../presets/", import.meta.url));
export const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/stack.schema.json", import.meta.url));
