import { isMap, isSeq } from "yaml";
import { StackError } from "../errors/stack-error.js";
import type { Project } from "../stack/load-project.js";
import { addPresetToDocument } from "../stack/stack-document.js";
import { stackTextLike } from "../stack/stack-text.js";
import type { Blame } from "../stack/parse-stack.js";
import { reparse } from "./reparse.js";

/**
 * The stack with one more preset and its wiring: an add-on (postgres, redis) becomes a dependency
 * of every template service, so they get its connection URL; proxies and tools need no wiring.
 */
export function planAddPreset(project: Project, name: string): Project & { stackText: string; notes: string[] } {
  const { presets } = project;
  const config = project.parsed.config;
  const preset = presets.get(name);
  // Adding what is there is the one thing the would-be stack.yaml cannot report clearly.
  if (config.presets.includes(name)) throw new StackError({ code: "E_PRESET_PRESENT", message: `the stack already has ${name}` });
  const doc = project.parsed.doc.clone();
  addPresetToDocument(doc, name);
  const notes: string[] = [];
  // Unknown presets, templates and conflicts are validation's to report, under this command's name.
  if (preset?.kind === "addon") {
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
  const index = config.presets.length;
  const blame: Blame = (path) => (path[0] === "presets" && path[1] === index ? `dev add preset ${name}` : undefined);
  return { ...reparse(project, stackTextLike(doc, project.parsed.text), blame), notes };
}
