import { Document, isMap, isScalar, isSeq, type Pair } from "yaml";
import type { ServiceConfig } from "./stack-config.js";

/**
 * Edits stack.yaml text in place, so every byte the user wrote (comments, spacing, flow or block
 * style) survives: the new entry is rendered from data by the yaml library and inserted where the
 * parsed document says the services mapping ends. Returns undefined when the file's shape does not
 * allow a clean splice (e.g. `services: {}` in flow style); callers then re-serialise the document.
 */
export function spliceAddService(text: string, doc: Document, name: string, service: ServiceConfig): string | undefined {
  const services = doc.get("services", true);
  if (!isMap(services) || services.flow || services.items.length === 0) return undefined;
  const first = services.items[0]!.key;
  if (!isScalar(first) || !first.range) return undefined;
  const indent = columnOf(text, first.range[0]);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const last = services.items[services.items.length - 1] as Pair;
  const end = endOfLine(text, nodeEnd(last));
  const entry = new Document({ [name]: service });
  for (const key of ["depends_on", "watch", "command"]) {
    const list = entry.getIn([name, key], true);
    if (isSeq(list)) list.flow = true;
  }
  const snippet = entry
    .toString({ lineWidth: 0, flowCollectionPadding: false, indent: nestedIndent(text, services.items) ?? Math.max(indent, 1) })
    .trimEnd()
    .split("\n")
    .map((line) => " ".repeat(indent) + line)
    .join(eol);
  const before = text.slice(0, end);
  return `${before}${before.endsWith("\n") ? "" : eol}${snippet}${eol}${text.slice(end)}`;
}

function columnOf(text: string, offset: number): number {
  return offset - text.lastIndexOf("\n", offset - 1) - 1;
}

/**
 * The file's own indentation step inside a service (a 4-space file gets 4), taken from the first
 * service written as a block mapping; undefined when every service is written in flow style.
 */
function nestedIndent(text: string, items: Pair[]): number | undefined {
  for (const pair of items) {
    const value = pair.value;
    if (!isMap(value) || value.flow || !isScalar(pair.key) || !pair.key.range) continue;
    const inner = value.items[0]?.key;
    if (!isScalar(inner) || !inner.range) continue;
    const step = columnOf(text, inner.range[0]) - columnOf(text, pair.key.range[0]);
    if (step > 0) return step;
  }
  return undefined;
}

/** Cuts one service's entry (its key line through the end of its value) out of the text. */
export function spliceRemoveService(text: string, doc: Document, name: string): string | undefined {
  const services = doc.get("services", true);
  if (!isMap(services) || services.flow) return undefined;
  const pair = services.items.find((p) => isScalar(p.key) && p.key.value === name) as Pair | undefined;
  if (!pair || !isScalar(pair.key) || !pair.key.range) return undefined;
  const start = text.lastIndexOf("\n", pair.key.range[0] - 1) + 1;
  const end = endOfLine(text, nodeEnd(pair));
  return text.slice(0, start) + text.slice(end);
}

function nodeEnd(pair: Pair): number {
  const value = pair.value as { range?: [number, number, number] } | null;
  const key = pair.key as { range?: [number, number, number] };
  return value?.range?.[1] ?? key.range![1];
}

/** The offset just past the newline that ends the line holding `offset` (or the text's end). */
function endOfLine(text: string, offset: number): number {
  const nl = text.indexOf("\n", Math.max(0, offset - 1));
  return nl < 0 ? text.length : nl + 1;
}
