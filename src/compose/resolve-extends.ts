import { dirname, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { get, mapNode, textOf, type MapNode, type Origin } from "./compose-node.js";
import { mergeNodes } from "./merge-compose.js";

/** Loads (and caches) another compose file that an `extends: {file}` names. */
export type FileModelLoader = (path: string, from: Origin) => MapNode;

const where = (o: Origin) => ({ file: o.file, line: o.line, col: o.col });

function servicesOf(model: MapNode): MapNode | undefined {
  const s = get(model, "services");
  return s?.kind === "map" ? s : undefined;
}

/**
 * Replaces every service of `model` that has `extends` by its base merged with it, bases first
 * (a base may extend another, in this file or another). A chain that comes back to a service it
 * passed is a loop: compose refuses it, and so do we, naming the chain.
 */
export function resolveExtends(model: MapNode, file: string, loadFile: FileModelLoader): void {
  const services = servicesOf(model);
  if (!services) return;
  const done = new Map<string, MapNode>();
  const resolveOne = (name: string, fileModel: MapNode, filePath: string, chain: string[]): MapNode => {
    const id = `${filePath}#${name}`;
    const cached = fileModel === model ? done.get(name) : undefined;
    if (cached) return cached;
    const svc = servicesOf(fileModel)?.entries.get(name)?.value;
    if (svc?.kind !== "map") return mapNode(fileModel.origin);
    const ext = svc.entries.get("extends");
    if (!ext) return svc;
    if (chain.includes(id)) {
      const names = [...chain, id].map((c) => c.split("#")[1]).join(" -> ");
      throw new StackError({
        code: "E_COMPOSE_EXTENDS",
        message: `extends loop: ${names}`,
        location: where(ext.keyOrigin),
        hint: "a service cannot extend itself, directly or through others: break the chain",
      });
    }
    const baseName = textOf(get(ext.value, "service"));
    if (!baseName) throw new StackError({ code: "E_COMPOSE_EXTENDS", message: `extends of service ${name} names no service`, location: where(ext.value.origin), hint: "write extends: {service: NAME} (and file: if it is in another file)" });
    const baseFileText = textOf(get(ext.value, "file"));
    let baseModel = fileModel;
    let basePath = filePath;
    if (baseFileText) {
      basePath = resolve(dirname(ext.value.origin.file), baseFileText);
      baseModel = loadFile(basePath, get(ext.value, "file")!.origin);
    }
    if (servicesOf(baseModel)?.entries.get(baseName)?.value.kind !== "map") {
      throw new StackError({
        code: "E_COMPOSE_EXTENDS",
        message: `service ${name} extends ${baseName}, which ${baseFileText ? `${baseFileText} does not define` : "this file does not define"}`,
        location: where(get(ext.value, "service")!.origin),
        hint: `known services: ${[...(servicesOf(baseModel)?.entries.keys() ?? [])].join(", ") || "none"}`,
      });
    }
    const base = resolveOne(baseName, baseModel, basePath, [...chain, id]);
    const own: MapNode = { ...svc, entries: new Map(svc.entries) };
    own.entries.delete("extends");
    const baseCopy: MapNode = { ...base, entries: new Map(base.entries) };
    baseCopy.entries.delete("extends");
    const merged = mergeNodes(baseCopy, own, ["services", name]) as MapNode;
    if (fileModel === model) done.set(name, merged);
    return merged;
  };
  for (const name of [...services.entries.keys()]) {
    const entry = services.entries.get(name)!;
    if (entry.value.kind === "map" && entry.value.entries.has("extends")) entry.value = resolveOne(name, model, file, []);
  }
}
