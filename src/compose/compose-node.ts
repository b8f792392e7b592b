import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/** Where a value was written: file (absolute), 1-based line and column, and its source offsets. */
export interface Origin {
  file: string;
  line: number;
  col: number;
  /** [start, end) offsets in the file's text, for fixes that edit the source. */
  range?: [number, number];
}

/** A key written twice in one mapping: compose refuses the file. */
export class DuplicateKeyError extends Error {
  readonly origin: Origin;
  constructor(key: string, origin: Origin) {
    super(`the key "${key}" is written twice in one mapping`);
    this.origin = origin;
  }
}

/** `!reset` drops the value merged so far, `!override` replaces it whole instead of merging. */
export type MergeTag = "reset" | "override";

export interface MapEntry {
  key: string;
  keyOrigin: Origin;
  value: ComposeNode;
}

export interface MapNode {
  kind: "map";
  origin: Origin;
  entries: Map<string, MapEntry>;
  tag?: MergeTag;
}

export interface SeqNode {
  kind: "seq";
  origin: Origin;
  items: ComposeNode[];
  tag?: MergeTag;
}

export type ScalarValue = string | number | boolean | null;

export interface ScalarNode {
  kind: "scalar";
  origin: Origin;
  value: ScalarValue;
  /** The text before interpolation, when interpolation changed it. */
  raw?: string;
  tag?: MergeTag;
}

/**
 * A compose value that remembers where it was written. The loader keeps these through
 * interpolation, extends, include and merging, so every value of the merged project still points
 * at the file, line and column the user wrote it at.
 */
export type ComposeNode = MapNode | SeqNode | ScalarNode;

export function mapNode(origin: Origin, entries: MapEntry[] = [], tag?: MergeTag): MapNode {
  return { kind: "map", origin, entries: new Map(entries.map((e) => [e.key, e])), ...(tag ? { tag } : {}) };
}

export function scalarNode(origin: Origin, value: ScalarValue): ScalarNode {
  return { kind: "scalar", origin, value };
}

function mergeTagOf(node: Node): MergeTag | undefined {
  const tag = (node as { tag?: string }).tag;
  if (tag === "!reset") return "reset";
  if (tag === "!override") return "override";
  return undefined;
}

/**
 * Turns a parsed YAML document into located nodes. Aliases are followed (the value keeps the
 * anchor's position) and `<<` merge keys are applied, as compose's YAML reader does.
 */
export function nodeFromDocument(doc: Document, lineCounter: LineCounter, file: string): ComposeNode | undefined {
  const originAt = (range: readonly number[] | null | undefined): Origin => {
    const start = range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(start);
    return { file, line, col, range: [start, range?.[1] ?? start] };
  };
  const seen = new Set<Node>();
  const convert = (node: unknown): ComposeNode => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target || seen.has(target)) return scalarNode(originAt(node.range), null);
      seen.add(target);
      try {
        return convert(target);
      } finally {
        seen.delete(target);
      }
    }
    if (isMap(node)) {
      const out = mapNode(originAt(node.range), [], mergeTagOf(node));
      const merged: MapEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyValue = isScalar(keyNode) ? keyNode.value : keyNode;
        // With merge keys on, the yaml package reads a plain << as a symbol; a quoted "<<" is a key.
        const isMerge = typeof keyValue === "symbol" ? keyValue.description === "<<" : keyValue === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN";
        if (isMerge) {
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const m = convert(s);
            if (m.kind === "map") for (const e of m.entries.values()) merged.push(e);
          }
          continue;
        }
        const key = keyValue === null || keyValue === undefined ? "" : typeof keyValue === "symbol" ? (keyValue.description ?? "") : String(keyValue);
        const keyOrigin = originAt((keyNode as Node | null)?.range);
        const value = pair.value === null || pair.value === undefined ? scalarNode(keyOrigin, null) : convert(pair.value);
        if (pair.value === null || pair.value === undefined) value.origin = { ...keyOrigin, range: [keyOrigin.range![1], keyOrigin.range![1]] };
        // yaml's own duplicate check compares every key with every other; a set per mapping is linear.
        if (out.entries.has(key)) throw new DuplicateKeyError(key, keyOrigin);
        out.entries.set(key, { key, keyOrigin, value });
      }
      // Keys written in the mapping win over keys merged in with `<<`; earlier merge sources win.
      if (merged.length > 0) {
        const written = out.entries;
        out.entries = new Map();
        for (const e of merged) if (!out.entries.has(e.key) && !written.has(e.key)) out.entries.set(e.key, e);
        for (const [k, e] of written) out.entries.set(k, e);
      }
      return out;
    }
    if (isSeq(node)) {
      return { kind: "seq", origin: originAt(node.range), items: node.items.map((i) => convert(i)), ...(mergeTagOf(node) ? { tag: mergeTagOf(node) } : {}) };
    }
    if (isScalar(node)) {
      const v = node.value;
      const value: ScalarValue = v === undefined ? null : typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : (v as ScalarValue);
      const out = scalarNode(originAt(node.range), value);
      const tag = mergeTagOf(node);
      if (tag) out.tag = tag;
      // A `!reset` with nothing after it reads as an empty string; it means "no value".
      if (tag && value === "") out.value = null;
      return out;
    }
    return scalarNode(originAt(null), null);
  };
  return doc.contents ? convert(doc.contents) : undefined;
}

/** The plain JavaScript value of a node, as compose's config prints it. */
export function toPlain(node: ComposeNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, e] of node.entries) out[k] = toPlain(e.value);
  return out;
}

/** The entry under `key` of a map node, if `node` is a map that has one. */
export function getEntry(node: ComposeNode | undefined, key: string): MapEntry | undefined {
  return node?.kind === "map" ? node.entries.get(key) : undefined;
}

export function get(node: ComposeNode | undefined, ...path: string[]): ComposeNode | undefined {
  let cur = node;
  for (const k of path) cur = getEntry(cur, k)?.value;
  return cur;
}

/** A scalar as text (numbers and booleans too), or undefined for maps, sequences and null. */
export function textOf(node: ComposeNode | undefined): string | undefined {
  if (node?.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

export function cloneNode<T extends ComposeNode>(node: T): T {
  if (node.kind === "scalar") return { ...node };
  if (node.kind === "seq") return { ...node, items: node.items.map(cloneNode) } as T;
  return { ...node, entries: new Map([...node.entries].map(([k, e]) => [k, { ...e, value: cloneNode(e.value) }])) } as T;
}
