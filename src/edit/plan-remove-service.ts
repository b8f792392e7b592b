import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { StackError, unknownServiceError } from "../errors/stack-error.js";
import { buildLayers } from "../render/compose-layers.js";
import type { Project } from "../stack/load-project.js";
import { removeServiceFromDocument } from "../stack/stack-document.js";
import { stackTextLike } from "../stack/stack-text.js";
import { spliceRemoveService } from "../stack/splice-stack.js";
import { reparse } from "./reparse.js";

/** The stack without one service; other services' depends_on lose it too (reported in `notes`). */
export function planRemoveService(project: Project, name: string): Project & { stackText: string; notes: string[] } {
  const services = project.parsed.config.services;
  if (!services[name]) {
    throw unknownServiceError([name], Object.keys(services));
  }
  if (services[name].adopted) {
    throw new StackError({
      code: "E_USAGE",
      message: `${name} is defined in your compose files (${(project.parsed.config.compose ?? []).join(", ")}), not by create-stack`,
      hint: "remove it from your compose files, then run dev adopt to bring stack.yaml up to date",
    });
  }
  const notes: string[] = [];
  if (Object.keys(services).length === 1) refuseEmptyStack(project, name);
  const dependents = Object.entries(services).filter(([, s]) => s.depends_on?.includes(name));
  // The common case, nothing depends on it: cut its lines and leave the rest byte for byte.
  const spliced = dependents.length === 0 ? spliceRemoveService(project.parsed.text, project.parsed.doc, name) : undefined;
  if (spliced !== undefined) return { ...reparse(project, emptyServicesAsMap(spliced)), notes };
  const doc = project.parsed.doc.clone();
  removeServiceFromDocument(doc, name);
  const all = doc.get("services", true);
  if (isMap(all)) {
    for (const pair of all.items) {
      const deps = isMap(pair.value) ? pair.value.get("depends_on", true) : undefined;
      if (!isSeq(deps)) continue;
      const i = deps.items.findIndex((item) => String((item as { value?: unknown }).value ?? item) === name);
      if (i < 0) continue;
      deps.items.splice(i, 1);
      if (deps.items.length === 0 && isMap(pair.value)) pair.value.delete("depends_on");
      notes.push(`${String((pair.key as { value?: unknown }).value)} no longer depends on ${name}`);
    }
  }
  return { ...reparse(project, stackTextLike(doc, project.parsed.text)), notes };
}

/**
 * The stack's last own service may go while its presets still run something (a database kept
 * while the app is replaced); a stack left with nothing to run at all is refused, saying what to do.
 */
function refuseEmptyStack(project: Project, name: string): void {
  const config = { ...project.parsed.config, services: {} };
  const base = buildLayers(config, project.presets, []).get("base");
  if (Object.keys(base?.services ?? {}).length > 0) return;
  throw new StackError({
    code: "E_LAST_SERVICE",
    message: `${name} is the only service of the stack; removing it would leave nothing to run`,
    hint: `add the service that replaces it first (dev add service NAME), then remove ${name}`,
  });
}

/**
 * Cutting the last entry leaves `services:` with no value, which reads as null (the schema wants a
 * mapping, and an empty compose `services:` is rejected too): write `services: {}`.
 */
function emptyServicesAsMap(text: string): string {
  const doc = parseDocument(text);
  const pair = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "services") : undefined;
  const empty = pair && (pair.value === null || (isScalar(pair.value) && pair.value.value === null));
  if (!pair || !empty || !isScalar(pair.key) || !pair.key.range) return text;
  const colon = text.indexOf(":", pair.key.range[1]);
  return colon < 0 ? text : `${text.slice(0, colon + 1)} {}${text.slice(colon + 1)}`;
}
