import { StackError } from "../errors/stack-error.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `{{var}}` in one string; an unknown variable is an error, never an empty string. */
export function interpolateString(text: string, vars: Readonly<Record<string, string>>, where: string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      throw new StackError({
        code: "E_PRESET_PLACEHOLDER",
        message: `${where}: unknown placeholder {{${name}}}`,
        hint: `known placeholders: ${Object.keys(vars).join(", ")}`,
        exitCode: 1,
      });
    }
    return value;
  });
}

/**
 * Replaces placeholders in every string of a parsed YAML value, keys included. Substitution
 * happens on data, after parsing, so a value can never change the document's structure.
 */
export function interpolate<T>(value: T, vars: Readonly<Record<string, string>>, where: string): T {
  if (typeof value === "string") return interpolateString(value, vars, where) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars, where)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[interpolateString(k, vars, where)] = interpolate(v, vars, where);
    return out as T;
  }
  return value;
}
