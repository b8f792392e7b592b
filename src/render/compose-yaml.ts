import { Document, isScalar, parse, Scalar, visit } from "yaml";

/**
 * Plain scalars that are not read back as the same string by every compose: docker-compose v1
 * reads YAML 1.1 (yes/on/y/n are booleans, 1_000 and 12:30 numbers, 2024-01-01 a date, = and <<
 * special tags), compose v2 reads YAML 1.2 (0o17 is a number). Such strings are written quoted.
 */
function readsAsString(text: string, version: "1.1" | "1.2"): boolean {
  try {
    return parse(text, { version }) === text;
  } catch {
    return false;
  }
}

/**
 * Only these can resolve to anything but a string: what starts like a number or an indicator,
 * short words (yes, off, null), and `e7`, which the yaml library's 1.1 float pattern accepts.
 * The filter keeps a 50,000-key env from costing 100,000 trial parses.
 */
const MAYBE_NOT_A_STRING = /^[^A-Za-z_/]|^[A-Za-z]{1,5}$|^[eE][-+]?[0-9]+$/;

export function isAmbiguousScalar(text: string): boolean {
  if (!MAYBE_NOT_A_STRING.test(text)) return false;
  if (text === "=" || text === "<<") return true;
  return !readsAsString(text, "1.1") || !readsAsString(text, "1.2");
}

/**
 * A compose file as text that YAML 1.1 and 1.2 readers parse to the same data: every string that
 * one of them would take for something else (keys included) is double-quoted.
 */
export function stringifyCompose(data: unknown): string {
  const doc = new Document(data);
  visit(doc, {
    Scalar(_, node: Scalar) {
      if (isScalar(node) && typeof node.value === "string" && isAmbiguousScalar(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/**
 * Compose replaces `$VAR` and `${VAR}` everywhere in a compose file, from the shell and .env.
 * Values the user wrote in stack.yaml are meant literally (`5$USD`, a `$(...)` in a command), so
 * each `$` is doubled, which compose reads back as one `$`.
 */
export function escapeInterpolation(value: string): string {
  return value.replace(/\$/g, "$$$$");
}
