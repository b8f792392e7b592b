import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type Event, type ScalarEvent } from "js-yaml";
import { cloneNode, DuplicateKeyError, scalarNode, type ComposeNode, type MapEntry, type MapNode, type MergeTag, type Origin, type ScalarValue, type SeqNode } from "./compose-node.js";

/** A YAML syntax error at an offset of the text. */
export class YamlSyntaxError extends Error {
  readonly origin: Origin;
  constructor(message: string, origin: Origin) {
    super(message);
    this.origin = origin;
  }
}

/** 1-based line and column of offsets in a text, from a table of line starts built once. */
export function lineIndex(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}

// The YAML 1.2 core schema's plain scalars, as compose (and the yaml package's default) read them.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

function plainValue(s: string): ScalarValue {
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  if (INT.test(s)) return Number(s);
  if (OCT.test(s)) return parseInt(s.slice(2), 8);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT.test(s)) return Number(s);
  if (INF.test(s)) return s[0] === "-" ? -Infinity : Infinity;
  if (NAN.test(s)) return NaN;
  return s;
}

const TYPED: Record<string, (s: string) => ScalarValue> = {
  "!!str": (s) => s,
  "!!null": () => null,
  "!!bool": (s) => (BOOL.test(s) ? s[0] === "t" || s[0] === "T" : s),
  "!!int": (s) => (typeof plainValue(s) === "number" ? (plainValue(s) as number) : s),
  "!!float": (s) => (typeof plainValue(s) === "number" ? (plainValue(s) as number) : s),
};

export interface YamlReadOptions {
  /** Apply `<<` merge keys (compose does; YAML 1.2 itself has none). Default true. */
  merge?: boolean;
  /** Aliases allowed before the read stops with a YamlSyntaxError (each is expanded into a copy). */
  maxAliases?: number;
  /** Counts what a caller may want to leave to a fuller reader. */
  seen?: { anchors: number; aliases: number; tags: number };
}

interface Frame {
  node: MapNode | SeqNode;
  anchor?: string;
  /** A mapping's pending key, between its key event and its value. */
  key?: { text: string; origin: Origin; merge: boolean };
  /** Entries merged in with `<<`, in the order written (earlier sources win). */
  merged?: MapEntry[];
  end: number;
  flow: boolean;
}

/**
 * Reads one YAML document as located compose nodes, from js-yaml's event stream (no document
 * tree in between: the yaml package's Document, with its node classes, costs several times
 * more). Aliases are followed (the value keeps the anchor's position), `<<` merge keys are
 * applied (keys written in the mapping win, then earlier merge sources), `!reset`/`!override`
 * tags are kept, and a key written twice in one mapping is an error at the second.
 */
export function parseComposeYaml(text: string, file: string, options: YamlReadOptions = {}): ComposeNode | undefined {
  const mergeKeys = options.merge ?? true;
  const seen = options.seen;
  const pos = lineIndex(text);
  const originAt = (start: number, end = start): Origin => ({ file, ...pos(start), range: [start, end] });
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const offset = err.mark?.position ?? 0;
    throw new YamlSyntaxError(err.reason, originAt(Math.min(offset, text.length)));
  }
  const anchors = new Map<string, ComposeNode>();
  const stack: Frame[] = [];
  let root: ComposeNode | undefined;
  let documents = 0;
  let aliases = 0;
  const tagOf = (e: { tagStart: number; tagEnd: number }): string | undefined => (e.tagStart < 0 ? undefined : text.slice(e.tagStart, e.tagEnd));
  const mergeTag = (tag: string | undefined): MergeTag | undefined => (tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined);
  const anchorOf = (e: { anchorStart: number; anchorEnd: number }) => (e.anchorStart < 0 ? undefined : text.slice(e.anchorStart, e.anchorEnd));

  /** Hands a finished value to its parent: a sequence item, a mapping's key or value, or the root. */
  const attach = (value: ComposeNode, end: number, keyText?: () => { text: string; merge: boolean }) => {
    const parent = stack.at(-1);
    if (!parent) {
      root ??= value;
      return;
    }
    parent.end = Math.max(parent.end, end);
    if (parent.node.kind === "seq") {
      parent.node.items.push(value);
      return;
    }
    if (!parent.key) {
      const k = keyText ? keyText() : { text: "", merge: false };
      parent.key = { text: k.text, origin: value.origin, merge: k.merge };
      return;
    }
    const key = parent.key;
    parent.key = undefined;
    if (key.merge) {
      const sources = value.kind === "seq" ? value.items : [value];
      parent.merged ??= [];
      for (const s of sources) if (s.kind === "map") parent.merged.push(...s.entries.values());
      return;
    }
    if (parent.node.entries.has(key.text)) throw new DuplicateKeyError(key.text, key.origin);
    parent.node.entries.set(key.text, { key: key.text, keyOrigin: key.origin, value });
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        documents++;
        if (documents > 1) {
          const marker = text.indexOf("\n---");
          throw new YamlSyntaxError("the file holds more than one YAML document (compose reads one)", originAt(marker >= 0 ? marker + 1 : 0));
        }
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const tag = mergeTag(tagOf(e));
        if (seen && e.tagStart >= 0) seen.tags++;
        if (seen && e.anchorStart >= 0) seen.anchors++;
        const origin = originAt(e.start, e.start);
        const node: MapNode | SeqNode = e.type === EVENT_ID.MAPPING ? { kind: "map", origin, entries: new Map() } : { kind: "seq", origin, items: [] };
        if (tag) node.tag = tag;
        const anchor = anchorOf(e);
        stack.push({ node, ...(anchor !== undefined ? { anchor } : {}), end: e.start + 1, flow: e.style === 2 });
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (!frame) break; // the end of a document
        const { node } = frame;
        if (node.kind === "map" && frame.key && !frame.key.merge) {
          // A key whose value never came (a flow mapping's `{a}`): it holds null.
          const key = frame.key;
          if (node.entries.has(key.text)) throw new DuplicateKeyError(key.text, key.origin);
          node.entries.set(key.text, { key: key.text, keyOrigin: key.origin, value: scalarNode({ ...key.origin, range: [key.origin.range![1], key.origin.range![1]] }, null) });
        }
        if (node.kind === "map" && frame.merged) {
          const written = node.entries;
          node.entries = new Map();
          for (const m of frame.merged) if (!node.entries.has(m.key) && !written.has(m.key)) node.entries.set(m.key, m);
          for (const [k, m] of written) node.entries.set(k, m);
        }
        let end = frame.end;
        if (frame.flow) {
          const close = text.indexOf(node.kind === "map" ? "}" : "]", end - 1);
          if (close >= 0) end = close + 1;
        }
        node.origin.range = [node.origin.range![0], end];
        if (frame.anchor !== undefined) anchors.set(frame.anchor, node);
        attach(node, end);
        break;
      }
      case EVENT_ID.ALIAS: {
        if (seen) seen.aliases++;
        if (++aliases > (options.maxAliases ?? Infinity)) throw new YamlSyntaxError(`more than ${options.maxAliases} aliases`, originAt(e.anchorStart - 1, e.anchorEnd));
        const name = text.slice(e.anchorStart, e.anchorEnd);
        const target = anchors.get(name);
        if (!target) throw new YamlSyntaxError(`the alias *${name} names no anchor written before it`, originAt(e.anchorStart - 1, e.anchorEnd));
        const copy = cloneNode(target);
        attach(copy, e.anchorEnd, () => ({ text: keyOfValue(copy), merge: false }));
        break;
      }
      case EVENT_ID.SCALAR: {
        const node = scalarOf(e);
        if (seen && e.tagStart >= 0) seen.tags++;
        if (seen && e.anchorStart >= 0) seen.anchors++;
        const anchor = anchorOf(e);
        if (anchor !== undefined) anchors.set(anchor, node);
        attach(node, node.origin.range![1], () => ({ text: keyOfValue(node), merge: mergeKeys && e.style === SCALAR_STYLE.PLAIN && tagOf(e) === undefined && node.kind === "scalar" && node.value === "<<" }));
        break;
      }
    }
  }
  return root;

  function scalarOf(e: ScalarEvent): ComposeNode {
    const tagText = tagOf(e);
    const tag = mergeTag(tagText);
    if (e.valueStart < 0) {
      // Nothing written: the value is null, placed where the node's properties (or its key) end.
      const parent = stack.at(-1);
      const at = e.tagEnd >= 0 ? e.tagEnd : e.anchorEnd >= 0 ? e.anchorEnd : parent?.key ? parent.key.origin.range![1] : (parent?.end ?? 0);
      const node = scalarNode(e.tagStart >= 0 ? originAt(e.tagStart, at) : parent?.key ? { ...parent.key.origin, range: [at, at] } : originAt(at, at), null);
      if (tag) node.tag = tag;
      return node;
    }
    let start = e.valueStart;
    let end = e.valueEnd;
    if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED) {
      start--;
      end++;
    } else if (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) {
      // The node starts at its header (| or >); its content on the lines below.
      const headerEnd = text.lastIndexOf("\n", e.valueStart - 1);
      const headerStart = text.lastIndexOf("\n", headerEnd - 1) + 1;
      const m = /[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/.exec(text.slice(headerStart, headerEnd));
      if (m) start = headerStart + m.index;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
    }
    const raw = e.fast ? text.slice(e.valueStart, e.valueEnd) : getScalarValue(text, e);
    let value: ScalarValue;
    if (e.style !== SCALAR_STYLE.PLAIN) value = tagText && TYPED[tagText] && tagText !== "!!str" ? TYPED[tagText]!(raw) : raw;
    else if (tagText === undefined) value = plainValue(raw);
    else if (TYPED[tagText]) value = TYPED[tagText]!(raw);
    else value = raw;
    const node = scalarNode(originAt(start, end), value);
    if (tag) {
      node.tag = tag;
      // A `!reset` with nothing after it reads as an empty string; it means "no value".
      if (value === "") node.value = null;
    }
    return node;
  }
}

/** A key's text as compose reads it: numbers and booleans as written in their canonical form, null as "". */
function keyOfValue(node: ComposeNode): string {
  if (node.kind !== "scalar") return "";
  return node.value === null ? "" : String(node.value);
}
