import { isNode, LineCounter, type Document } from "yaml";
import type { SourceLocation } from "../errors/stack-error.js";

/**
 * Finds where a value sits in a parsed YAML document, so errors can quote file:line:col. Falls
 * back to the nearest parent that exists (e.g. a missing key is reported at its mapping).
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  path: readonly (string | number)[],
  which: "key" | "value" = "value",
): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (which === "key" && n === path.length && n > 0) {
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      const pair = findPair(parent, sub[sub.length - 1]!);
      if (pair && isNode(pair.key) && pair.key.range) return at(lineCounter, file, pair.key.range[0]);
    }
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (isNode(node) && node.range) return at(lineCounter, file, node.range[0]);
  }
  return { file };
}

function findPair(parent: unknown, key: string | number): { key: unknown } | undefined {
  const items = (parent as { items?: { key: unknown }[] } | undefined)?.items;
  return items?.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
}

export function at(lineCounter: LineCounter, file: string, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, col };
}
