import { isMap, isSeq } from "yaml";
import { StackError } from "../errors/stack-error.js";
import type { Project } from "../stack/load-project.js";
import { addPresetToDocument, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import { reparse } from "./reparse.js";

/**
 * The stack with one more preset and its wiring: an add-on (postgres, redis) becomes a dependency
 * of every template service, so they get its connection URL; proxies and tools need no wiring.
 */
export function planAddPreset(project: Project, name: string): Project & { stackText: string; notes: string[] } {
  const { presets } = project;
  const config = project.parsed.config;
  const preset = presets.get(name);
  const usable = presets.names().filter((n) => presets.get(n)!.kind !== "service");
  if (!preset) throw new StackError({ code: "E_UNKNOWN_PRESET", message: `unknown preset "${name}"`, hint: `presets: ${usable.join(", ")}` });
  if (preset.kind === "service") {
    throw new StackError({ code: "E_PRESET_KIND", message: `"${name}" is a service template`, hint: `add a service from it: dev add service NAME --template ${name}` });
  }
  if (config.presets.includes(name)) throw new StackError({ code: "E_PRESET_PRESENT", message: `the stack already has ${name}` });
  const doc = project.parsed.doc.clone();
  addPresetToDocument(doc, name);
  const notes: string[] = [];
  if (preset.kind === "addon") {
    const services = doc.get("services", true);
    for (const [svcName, svc] of Object.entries(config.services)) {
      if (!svc.template || !isMap(services)) continue;
      const node = services.get(svcName, true);
      if (!isMap(node)) continue;
      const deps = node.get("depends_on", true);
      if (isSeq(deps)) deps.add(doc.createNode(name));
      else node.set("depends_on", Object.assign(doc.createNode([name]), { flow: true }));
      notes.push(`${svcName} now depends on ${name} (gets ${Object.keys(preset.connection).join(", ") || "its wiring"})`);
    }
  }
  return { ...reparse(project, doc.toString(STACK_TEXT_OPTIONS)), notes };
}
