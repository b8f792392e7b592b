import { cloneNode, mapNode, textOf, get, type ComposeNode, type MapNode, type ScalarNode } from "./compose-node.js";
import { keyValues, parseVolume } from "./short-syntax.js";

type Path = readonly string[];

function matches(path: Path, pattern: string): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => p === "*" || p === path[i]);
}

// Values a later file replaces whole, as compose-go's mergeSpecials "override".
const OVERRIDE = ["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test"];

// Lists written as KEY=VALUE or as a mapping: both read as a mapping, so they merge key by key.
const KEY_VALUE: [string, string][] = [
  ["services.*.environment", "="],
  ["services.*.labels", "="],
  ["services.*.annotations", "="],
  ["services.*.sysctls", "="],
  ["services.*.build.args", "="],
  ["services.*.build.labels", "="],
  ["services.*.deploy.labels", "="],
  ["networks.*.labels", "="],
  ["volumes.*.labels", "="],
];

/** How compose-go tells two items of a list apart (unique.go): a later equal key replaces the earlier. */
const UNIQUE: [string, (item: ComposeNode) => string | undefined][] = [
  ["services.*.ports", portKey],
  ["services.*.volumes", (i) => safe(() => parseVolume(i).target)],
  ["services.*.devices", (i) => (i.kind === "map" ? textOf(get(i, "target")) : textOf(i)?.split(":")[1] ?? textOf(i))],
  ["services.*.secrets", (i) => (i.kind === "map" ? (textOf(get(i, "target")) ?? textOf(get(i, "source"))) : textOf(i))],
  ["services.*.configs", (i) => (i.kind === "map" ? (textOf(get(i, "target")) ?? textOf(get(i, "source"))) : textOf(i))],
  ["services.*.env_file", (i) => (i.kind === "map" ? textOf(get(i, "path")) : textOf(i))],
  ...["expose", "cap_add", "cap_drop", "dns", "dns_opt", "dns_search", "links", "profiles", "tmpfs", "external_links"].map(
    (k) => [`services.*.${k}`, (i: ComposeNode) => textOf(i)] as [string, (item: ComposeNode) => string | undefined],
  ),
  ["services.*.networks.*.aliases", (i) => textOf(i)],
];

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function portKey(item: ComposeNode): string | undefined {
  if (item.kind !== "map") return textOf(item);
  const t = (k: string) => textOf(get(item, k)) ?? "";
  return `${t("host_ip")}:${t("published")}:${t("target")}/${t("protocol") || "tcp"}`;
}

/** A list of KEY=VALUE as a mapping, each entry keeping the item's position. */
function listAsMap(node: ComposeNode, separator: string): ComposeNode {
  if (node.kind !== "seq") return node;
  const out = mapNode(node.origin, [], node.tag);
  for (const kv of keyValues(node, separator)) {
    const value: ScalarNode = { kind: "scalar", origin: kv.valueOrigin, value: kv.value, ...(kv.raw !== undefined ? { raw: kv.raw } : {}) };
    out.entries.set(kv.key, { key: kv.key, keyOrigin: kv.keyOrigin, value });
  }
  return out;
}

function namesAsMap(node: ComposeNode, value: (item: ComposeNode) => ComposeNode): ComposeNode {
  if (node.kind !== "seq") return node;
  const out = mapNode(node.origin, [], node.tag);
  for (const item of node.items) {
    const name = textOf(item);
    if (name !== undefined) out.entries.set(name, { key: name, keyOrigin: item.origin, value: value(item) });
  }
  return out;
}

/**
 * Brings the forms compose accepts for one thing to one form before merging, so a list in the
 * base and a mapping in the override merge key by key: KEY=VALUE lists, depends_on and networks
 * as lists of names, build and extends as strings.
 */
export function normalizeForMerge(model: MapNode): void {
  for (const [type, sep] of [["networks", "="], ["volumes", "="]] as const) {
    const top = get(model, type);
    if (top?.kind !== "map") continue;
    for (const e of top.entries.values()) {
      const labels = e.value.kind === "map" ? e.value.entries.get("labels") : undefined;
      if (labels) labels.value = listAsMap(labels.value, sep);
    }
  }
  const services = get(model, "services");
  if (services?.kind !== "map") return;
  for (const entry of services.entries.values()) {
    const svc = entry.value;
    if (svc.kind !== "map") continue;
    for (const [key, sep] of [["environment", "="], ["labels", "="], ["annotations", "="], ["sysctls", "="]] as const) {
      const e = svc.entries.get(key);
      if (e) e.value = listAsMap(e.value, sep);
    }
    const extraHosts = svc.entries.get("extra_hosts");
    if (extraHosts && extraHosts.value.kind === "seq") {
      extraHosts.value = listAsMap(extraHosts.value, extraHosts.value.items.some((i) => textOf(i)?.includes("=")) ? "=" : ":");
    }
    const build = svc.entries.get("build");
    if (build && build.value.kind === "scalar") build.value = mapNode(build.value.origin, [{ key: "context", keyOrigin: build.value.origin, value: build.value }], build.value.tag);
    if (build?.value.kind === "map") {
      for (const key of ["args", "labels"]) {
        const e = build.value.entries.get(key);
        if (e) e.value = listAsMap(e.value, "=");
      }
    }
    const deployLabels = get(svc, "deploy");
    if (deployLabels?.kind === "map" && deployLabels.entries.get("labels")) {
      const e = deployLabels.entries.get("labels")!;
      e.value = listAsMap(e.value, "=");
    }
    const extendsEntry = svc.entries.get("extends");
    if (extendsEntry && extendsEntry.value.kind === "scalar") {
      const v = extendsEntry.value;
      extendsEntry.value = mapNode(v.origin, [{ key: "service", keyOrigin: v.origin, value: v }]);
    }
    const dependsOn = svc.entries.get("depends_on");
    if (dependsOn) {
      dependsOn.value = namesAsMap(dependsOn.value, (item) =>
        mapNode(item.origin, [
          { key: "condition", keyOrigin: item.origin, value: { kind: "scalar", origin: item.origin, value: "service_started" } },
          { key: "required", keyOrigin: item.origin, value: { kind: "scalar", origin: item.origin, value: true } },
        ]),
      );
    }
    const networks = svc.entries.get("networks");
    if (networks) networks.value = namesAsMap(networks.value, (item) => ({ kind: "scalar", origin: item.origin, value: null }));
  }
}

/** Drops `!reset` values and the tags themselves from a value that merges onto nothing. */
export function cleanTags(node: ComposeNode): ComposeNode | undefined {
  if (node.tag === "reset") return undefined;
  const out = { ...node } as ComposeNode;
  delete out.tag;
  if (out.kind === "map") {
    out.entries = new Map();
    for (const [k, e] of (node as MapNode).entries) {
      const v = cleanTags(e.value);
      if (v) out.entries.set(k, { ...e, value: v });
    }
  } else if (out.kind === "seq") {
    out.items = out.items.flatMap((i) => cleanTags(i) ?? []);
  }
  return out;
}

/** Later items whose key equals an earlier one's replace it where the earlier one stood. */
function enforceUnique(items: ComposeNode[], key: (item: ComposeNode) => string | undefined): ComposeNode[] {
  const out: ComposeNode[] = [];
  const at = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined && at.has(k)) {
      out[at.get(k)!] = item;
      continue;
    }
    if (k !== undefined) at.set(k, out.length);
    out.push(item);
  }
  return out;
}

/**
 * Merges `over` onto `base` the way compose merges a later file onto an earlier one
 * (compose-go's override package): mappings key by key, lists appended with duplicates by key
 * replaced, command/entrypoint/healthcheck test replaced, `!reset` removes, `!override`
 * replaces whole. Returns undefined when the value is reset. Neither input is changed.
 */
export function mergeNodes(base: ComposeNode | undefined, over: ComposeNode, path: Path = []): ComposeNode | undefined {
  if (over.tag === "reset") return undefined;
  if (over.tag === "override" || base === undefined) return cleanTags(over);
  for (const [pattern, sep] of KEY_VALUE) {
    if (matches(path, pattern)) {
      base = listAsMap(base, sep);
      over = listAsMap(over, sep);
    }
  }
  if (OVERRIDE.some((p) => matches(path, p))) return cleanTags(over);
  if (base.kind === "map" && over.kind === "map") {
    const out: MapNode = { ...base, entries: new Map(base.entries) };
    for (const [k, e] of over.entries) {
      const merged = mergeNodes(base.entries.get(k)?.value, e.value, [...path, k]);
      if (merged === undefined) out.entries.delete(k);
      else out.entries.set(k, { key: k, keyOrigin: base.entries.get(k)?.keyOrigin ?? e.keyOrigin, value: merged });
    }
    return out;
  }
  if (base.kind === "seq" && over.kind === "seq") {
    const items = [...base.items, ...over.items.flatMap((i) => cleanTags(i) ?? [])];
    const unique = UNIQUE.find(([p]) => matches(path, p));
    return { ...base, items: unique ? enforceUnique(items, unique[1]) : items };
  }
  return cleanTags(over);
}

/** A deep copy that can be changed without touching the file's own model. */
export const copyModel = (m: MapNode): MapNode => cloneNode(m);
