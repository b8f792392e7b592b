import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's own folder (presets/, templates/, schema/ ship beside dist/). Found by walking up
 * from this module, so it holds whether the code runs from src/ (tests), dist/ (tsc) or a bundle.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "create-stack") return dir;
    if (dirname(dir) === dir) throw new Error(`create-stack's package.json not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const PRESETS_DIR = join(PACKAGE_ROOT, "presets");
export const TEMPLATES_DIR = join(PACKAGE_ROOT, "templates");
/** The dev up dashboard's page: plain files, served as they are. */
export const UI_DIR = join(PACKAGE_ROOT, "ui");
export const SCHEMA_FILE = join(PACKAGE_ROOT, "schema", "stack.schema.json");
export const PRESET_SCHEMA_FILE = join(PACKAGE_ROOT, "schema", "preset.schema.json");
/** The Compose Specification's schema, vendored (schema/README.md says from where). */
export const COMPOSE_SCHEMA_FILE = join(PACKAGE_ROOT, "schema", "compose-spec.json");

/** The package's version, for --version (yargs cannot find package.json from a bundle). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
