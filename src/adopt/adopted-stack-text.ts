import { Document, isMap, isScalar, isSeq, parseDocument, type Pair, type YAMLMap } from "yaml";
import { SCHEMA_URL, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import type { Adoption, AdoptedService } from "./adopt-model.js";

const SERVICE_KEYS: (keyof AdoptedService)[] = ["image", "build", "dockerfile", "path", "watch", "rebuild_on", "port", "route", "host", "strip_prefix", "depends_on", "command"];
const FLOW_LISTS = ["watch", "rebuild_on", "depends_on", "command"];

/** An adopted service as stack.yaml data, keys in a fixed order. */
function serviceData(svc: AdoptedService): Record<string, unknown> {
  const out: Record<string, unknown> = { adopted: true };
  for (const k of SERVICE_KEYS) if (svc[k] !== undefined) out[k] = svc[k];
  return out;
}

function flowLists(node: unknown): void {
  if (!isMap(node)) return;
  for (const pair of node.items as Pair[]) {
    if (isScalar(pair.key) && FLOW_LISTS.includes(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
  }
}

/** The data of a new adopted project's stack.yaml: what renderAdoptedStack writes as text. */
export function adoptedStackData(a: Adoption): Record<string, unknown> {
  const data: Record<string, unknown> = { version: 1, name: a.name, compose: a.compose };
  if (a.proxy) data.proxy = a.proxy;
  data.services = Object.fromEntries(Object.entries(a.services).map(([n, s]) => [n, serviceData(s)]));
  if (a.ignore.length) data.ignore = a.ignore;
  return data;
}

const HEADER = [
  ` yaml-language-server: $schema=${SCHEMA_URL}`,
  "",
  " stack.yaml of an adopted project, written by `dev adopt`. Your compose files (compose:) stay",
  " yours: create-stack reads them and never writes them. Its own layers come after them in",
  " COMPOSE_FILE (.env). Run `dev adopt` again after editing them to bring this file up to date.",
];
const COMMENTS: Record<string, string[]> = {
  compose: [" Your compose files, in the order compose reads them."],
  proxy: [" Your proxy: routes are read from it; services added with `dev add service --route` go through it."],
  services: [
    " adopted: defined in your compose files. path: bind-mounted source (a change restarts it);",
    " rebuild_on: what rebuilds its image; route/host: how your proxy reaches it. command: your",
    " command, run under create-stack's supervisor (its dev layer) so a change of the mounted",
    " source reloads the process in place; reload: container restarts the container instead.",
    " Services you add with `dev add service NAME` are listed here without adopted:.",
  ],
  ignore: [" From your .dockerignore files: the watcher skips these."],
};

/** A new stack.yaml for an adopted project, commented like the ones create-stack writes. */
export function renderAdoptedStack(a: Adoption): string {
  const data = adoptedStackData(a);
  return plainAdoptedStackText(data) ?? yamlAdoptedStackText(data);
}

/** The text as the yaml package writes it: the reference for every adopted stack.yaml. */
export function yamlAdoptedStackText(data: Record<string, unknown>): string {
  const doc = new Document(data);
  doc.commentBefore = HEADER.join("\n");
  for (const pair of (doc.contents as YAMLMap).items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!isScalar(pair.key)) continue;
    if (COMMENTS[key]) pair.key.commentBefore = COMMENTS[key].join("\n");
    if (key !== "version" && key !== "name") pair.key.spaceBefore = true;
    if (key === "services" && isMap(pair.value)) for (const s of pair.value.items as Pair[]) flowLists(s.value);
  }
  return doc.toString(STACK_TEXT_OPTIONS);
}

/**
 * A string the yaml package writes as it is, in a flow list or as a key: no quoting, and read back
 * as a string (not a number, boolean or null). Deliberately narrow: anything else is left to it.
 */
const PLAIN = /^(?:\.|[A-Za-z_/][A-Za-z0-9_./*@+=~:-]*)$/;
const TYPED = /^(?:true|false|null)$/i;

class NotPlain extends Error {}

/**
 * The same bytes as yamlAdoptedStackText for the common case, written directly (the yaml package
 * builds a node per value and tests every string against its schema's tags: a 100-service
 * project spent more on that than on reading its compose files). undefined for anything outside
 * plain strings, integers, booleans and non-empty lists and maps, which the yaml package writes.
 */
export function plainAdoptedStackText(data: Record<string, unknown>): string | undefined {
  const scalar = (v: unknown): string => {
    if (typeof v === "string" && PLAIN.test(v) && !v.endsWith(":") && !TYPED.test(v)) return v;
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
    if (typeof v === "boolean") return String(v);
    throw new NotPlain();
  };
  const list = (v: unknown): unknown[] => {
    if (!Array.isArray(v) || v.length === 0) throw new NotPlain();
    return v;
  };
  const map = (v: unknown): [string, unknown][] => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new NotPlain();
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) throw new NotPlain();
    return entries;
  };
  try {
    const lines = [...HEADER.map((l) => (l ? `#${l}` : "")), ""];
    for (const [key, value] of map(data)) {
      if (key !== "version" && key !== "name") lines.push("");
      for (const c of COMMENTS[key] ?? []) lines.push(`#${c}`);
      if (key === "compose" || key === "ignore") lines.push(`${scalar(key)}:`, ...list(value).map((v) => `  - ${scalar(v)}`));
      else if (key === "proxy") lines.push(`${key}:`, ...map(value).map(([k, v]) => `  ${scalar(k)}: ${scalar(v)}`));
      else if (key === "services") {
        lines.push(`${key}:`);
        for (const [name, svc] of map(value)) {
          lines.push(`  ${scalar(name)}:`);
          for (const [k, v] of map(svc)) lines.push(`    ${scalar(k)}: ${FLOW_LISTS.includes(k) ? `[${list(v).map(scalar).join(", ")}]` : scalar(v)}`);
        }
      } else lines.push(`${scalar(key)}: ${scalar(value)}`);
    }
    return lines.join("\n") + "\n";
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

/**
 * stack.yaml brought up to date with a new reading of the project, keeping every comment and
 * every service the user added: compose, proxy and adopted services are set from the reading,
 * adopted services no longer in the project are dropped. Returns the text and what changed.
 */
export function updateAdoptedStack(text: string, a: Adoption): { text: string; changes: string[] } {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const changes: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const setTop = (key: string, value: unknown) => {
    const before = doc.get(key, false);
    const plain = before && typeof before === "object" && "toJSON" in before ? (before as { toJSON(): unknown }).toJSON() : before;
    if (value === undefined) {
      if (doc.has(key)) {
        doc.delete(key);
        changes.push(`${key}: removed`);
      }
      return;
    }
    if (!same(plain, value)) {
      doc.set(key, doc.createNode(value));
      changes.push(`${key}: ${JSON.stringify(plain ?? null)} -> ${JSON.stringify(value)}`);
    }
  };
  setTop("compose", a.compose);
  setTop("proxy", a.proxy);
  let services = doc.get("services", true);
  if (!isMap(services)) {
    doc.set("services", doc.createNode({}));
    services = doc.get("services", true);
  }
  const map = services as YAMLMap;
  for (const pair of [...(map.items as Pair[])]) {
    const name = isScalar(pair.key) ? String(pair.key.value) : "";
    const adopted = isMap(pair.value) && pair.value.get("adopted") === true;
    if (adopted && !(name in a.services)) {
      map.delete(name);
      changes.push(`services.${name}: no longer in the compose files, removed`);
    }
  }
  for (const [name, svc] of Object.entries(a.services)) {
    const want = serviceData(svc);
    const node = map.get(name, true);
    if (!isMap(node)) {
      if (node !== undefined) {
        changes.push(`services.${name}: defined both in stack.yaml and in the compose files; stack.yaml's entry kept`);
        continue;
      }
      map.set(name, doc.createNode(want));
      flowLists(map.get(name, true));
      changes.push(`services.${name}: added`);
      continue;
    }
    if (node.get("adopted") !== true) {
      changes.push(`services.${name}: defined both in stack.yaml and in the compose files; stack.yaml's entry kept`);
      continue;
    }
    for (const key of ["adopted", ...SERVICE_KEYS] as string[]) {
      const have = node.get(key, false);
      const plain = have && typeof have === "object" && "toJSON" in have ? (have as { toJSON(): unknown }).toJSON() : have;
      if (same(plain, want[key])) continue;
      if (want[key] === undefined) node.delete(key);
      else {
        node.set(key, doc.createNode(want[key]));
        const created = node.get(key, true);
        if (isSeq(created) && FLOW_LISTS.includes(key)) created.flow = true;
      }
      changes.push(`services.${name}.${key}: ${JSON.stringify(plain ?? null)} -> ${JSON.stringify(want[key] ?? null)}`);
    }
  }
  const ignoreBefore = (doc.get("ignore", false) as { toJSON?: () => unknown } | undefined)?.toJSON?.() as string[] | undefined;
  const ignore = [...new Set([...(ignoreBefore ?? []), ...a.ignore])];
  if (ignore.length && !same(ignoreBefore, ignore)) setTop("ignore", ignore);
  return { text: changes.length ? doc.toString(STACK_TEXT_OPTIONS) : text, changes };
}
