import { isMap, isSeq } from "yaml";
import { unknownServiceError } from "../errors/stack-error.js";
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
  const notes: string[] = [];
  const dependents = Object.entries(services).filter(([, s]) => s.depends_on?.includes(name));
  // The common case, nothing depends on it: cut its lines and leave the rest byte for byte.
  const spliced = dependents.length === 0 ? spliceRemoveService(project.parsed.text, project.parsed.doc, name) : undefined;
  if (spliced !== undefined) return { ...reparse(project, spliced), notes };
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
