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
