import { stringifyCompose } from "../render/compose-yaml.js";

/**
 * Exactly `stringifyCompose(data)` (YAML 1.1 and 1.2 readers agree: `docker stack deploy` and
 * kubectl read YAML 1.1, where `on`, `yes` and `n` are booleans), written without building a YAML
 * document: an export of 50 services spent more time in the document model than in anything else.
 * This writes only the layout (block maps and sequences, two-space indents, `{}` and `[]`), plain
 * strings that cannot mean anything else in either version, integers, booleans and null; any other scalar (quoted,
 * or a multi-line block) is written by the yaml package itself and indented here, and data this
 * does not know (an unusual key, a non-plain object) goes to the yaml package whole. Tests compare
 * the two on every golden export and on random data.
 */
export function stringifyPlain(data: unknown): string {
  if (data === null || typeof data !== "object" || isEmpty(data)) return stringifyCompose(data);
  try {
    return block(data, "") + "\n";
  } catch (err) {
    if (err !== NOT_PLAIN) throw err;
    return stringifyCompose(data);
  }
}

const NOT_PLAIN = new Error("not plain data");

/** Plain in every YAML reader's eyes: no indicator first, no `: `/` #`, not a null or a boolean (1.1's included). */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./=+@$(){}:-]*$/;
const NOT_A_STRING = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[Yy]|[Yy]es|YES|[Nn]o?|NO|[Oo]n|ON|[Oo]ff|OFF)$/;
const isPlain = (s: string) => PLAIN.test(s) && !s.endsWith(":") && !NOT_A_STRING.test(s);

function isEmpty(v: object): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const key in v) if ((v as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

/** A map's or a sequence's lines at this indent (no trailing newline). */
function block(v: object, indent: string): string {
  if (Array.isArray(v)) {
    return v.map((item) => `${indent}- ${item !== null && typeof item === "object" && !isEmpty(item) ? block(item, indent + "  ").slice(indent.length + 2) : scalar(item, indent)}`).join("\n");
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const lines: string[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined) continue;
    if (!isPlain(key)) throw NOT_PLAIN;
    if (value !== null && typeof value === "object" && !isEmpty(value)) lines.push(`${indent}${key}:\n${block(value, indent + "  ")}`);
    else lines.push(`${indent}${key}: ${scalar(value, indent)}`);
  }
  return lines.join("\n");
}

const written = new Map<string, string>();

/** A scalar as the value of a map or sequence at this indent. */
function scalar(v: unknown, indent: string): string {
  if (typeof v === "string") return isPlain(v) ? v : byYaml(v).replace(/\n(?=.)/g, `\n${indent}`);
  if (typeof v === "number") return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : byYaml(v);
  if (typeof v === "boolean") return String(v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "[]";
  if (typeof v === "object" && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) return "{}";
  throw NOT_PLAIN;
}

/**
 * How the yaml package writes a scalar as a value in a top-level map (cached per value): one
 * line, or a block scalar whose lines are indented for that map (the caller indents them further).
 */
function byYaml(v: string | number): string {
  const key = `${typeof v}:${v}`;
  let text = written.get(key);
  if (text === undefined) {
    text = stringifyCompose({ v }).slice(3, -1);
    written.set(key, text);
  }
  return text;
}
