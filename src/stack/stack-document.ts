import { Document, isMap, isScalar, isSeq, type Pair, type YAMLMap } from "yaml";
import { DEFAULT_HEALTH, type ServiceConfig, type StackConfig } from "./stack-config.js";

/** How stack.yaml is written when a document must be re-serialised: no folding, `[a, b]` lists. */
export const STACK_TEXT_OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const;

/**
 * Relative to stack.yaml: a copy of the installed package's schema that create-stack and every
 * `dev` sync keep in the git-ignored state folder (a published URL would 404 until released).
 */
export const SCHEMA_URL = ".create-stack/stack.schema.json";

/** The service templates shipped (presets/ of kind service); a test keeps the list complete. */
export const TEMPLATES = ["python-http", "fastapi", "worker", "node-http", "node", "django"];

const KEY_COMMENTS: Record<string, string> = {
  name: " Project name: compose project name and prefix of proxy router names.",
  presets: " Add-ons, proxy and tools. Add one later with: dev add preset NAME",
  services: [
    ` Your services. template: starter code (${TEMPLATES.join(", ")});`,
    " image: run an image as is. path: source folder (watched by `dev up`); port: port inside the container;",
    " route: proxy path prefix; depends_on: services or presets to start first. Add one: dev add service NAME",
  ].join("\n"),
  images: " Image overrides (e.g. a private registry mirror): image a preset names -> image to use.",
  health: " Timing of every generated healthcheck.",
  ignore: " Extra globs the watcher ignores.",
};

/** The plain-data form of a stack, leaving out what equals the defaults. */
export function stackToData(stack: StackConfig): Record<string, unknown> {
  const data: Record<string, unknown> = { version: 1, name: stack.name };
  if (stack.compose) data.compose = stack.compose;
  if (stack.proxy) data.proxy = stack.proxy;
  Object.assign(data, { presets: stack.presets, services: stack.services });
  if (Object.keys(stack.images).length) data.images = stack.images;
  const health = Object.fromEntries(
    Object.entries(stack.health).filter(([k, v]) => DEFAULT_HEALTH[k as keyof typeof DEFAULT_HEALTH] !== v),
  );
  if (Object.keys(health).length) data.health = health;
  if (stack.ignore.length) data.ignore = stack.ignore;
  return data;
}

/** A new, commented stack.yaml, with the schema line editors use for completion and checks. */
export function createStackDocument(stack: StackConfig): Document {
  const doc = new Document(stackToData(stack));
  doc.commentBefore = [
    ` yaml-language-server: $schema=${SCHEMA_URL}`,
    "",
    " stack.yaml: the source of truth of this project. compose*.yaml, proxy/ and .env are",
    " generated from it by create-stack and `dev up`; edit this file, not those.",
  ].join("\n");
  const map = doc.contents as YAMLMap;
  for (const pair of map.items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (KEY_COMMENTS[key] && isScalar(pair.key)) pair.key.commentBefore = KEY_COMMENTS[key];
    if (key !== "version" && key !== "name" && isScalar(pair.key)) pair.key.spaceBefore = true;
  }
  flowShortLists(doc);
  return doc;
}

/** Adds or replaces one service, keeping every comment and the order of the others. */
export function setServiceInDocument(doc: Document, name: string, service: ServiceConfig): void {
  const services = doc.get("services", true);
  if (!isMap(services)) doc.set("services", doc.createNode({}));
  // `services: {}` (a stack made without services) grows as a block, one service per entry.
  else if (services.flow) services.flow = false;
  const node = doc.createNode(service);
  doc.setIn(["services", name], node);
  flowShortLists(doc);
}

export function removeServiceFromDocument(doc: Document, name: string): boolean {
  return doc.deleteIn(["services", name]);
}

export function addPresetToDocument(doc: Document, preset: string): void {
  const presets = doc.get("presets", true);
  if (isSeq(presets)) presets.add(doc.createNode(preset));
  else doc.set("presets", doc.createNode([preset]));
}

export function removePresetFromDocument(doc: Document, preset: string): void {
  const presets = doc.get("presets", true);
  if (!isSeq(presets)) return;
  const at = presets.items.findIndex((item) => (isScalar(item) ? item.value : item) === preset);
  if (at >= 0) presets.delete(at);
}

/** Short lists of names (presets, depends_on) read best on one line: [postgres, redis]. */
function flowShortLists(doc: Document): void {
  const presets = doc.get("presets", true);
  if (isSeq(presets)) presets.flow = true;
  const services = doc.get("services", true);
  if (!isMap(services)) return;
  for (const pair of services.items) {
    if (!isMap(pair.value)) continue;
    for (const key of ["depends_on", "watch", "command"]) {
      const list = pair.value.get(key, true);
      if (isSeq(list)) list.flow = true;
    }
  }
}
