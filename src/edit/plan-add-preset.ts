import { isMap, isSeq } from "yaml";
import { StackError } from "../errors/stack-error.js";
import type { Project } from "../stack/load-project.js";
import { addPresetToDocument, removePresetFromDocument } from "../stack/stack-document.js";
import { stackTextLike } from "../stack/stack-text.js";
import type { Blame } from "../stack/parse-stack.js";
import { reparse } from "./reparse.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";

/**
 * The stack with one more preset and its wiring: an add-on (postgres, redis) becomes a dependency
 * of every template service, so they get its connection URL; proxies and tools need no wiring.
 * `replace` names a preset it takes the place of (traefik for nginx: a stack has one proxy); the
 * sync then deletes the replaced preset's unedited generated files.
 */
export function planAddPreset(project: Project, name: string, replace?: string): Project & { stackText: string; notes: string[] } {
  const { presets } = project;
  const config = project.parsed.config;
  const preset = presets.get(name);
  // Adding what is there is the one thing the would-be stack.yaml cannot report clearly.
  if (config.presets.includes(name)) throw new StackError({ code: "E_PRESET_PRESENT", message: `the stack already has ${name}` });
  if (replace !== undefined && !config.presets.includes(replace)) {
    throw new StackError({
      code: "E_USAGE",
      message: `--replace ${replace}: the stack has no preset ${replace}`,
      hint: `its presets: ${config.presets.join(", ") || "none"}`,
    });
  }
  const current = preset?.kind === "proxy" ? proxyPresetOf(config.presets, presets)?.name : undefined;
  if (current !== undefined && current !== replace) {
    throw new StackError({
      code: "E_PRESET_CONFLICT",
      message: `dev add preset ${name}: presets "${current}" and "${name}" cannot be used together (a stack has one proxy)`,
      hint: `switch it: dev add preset ${name} --replace ${current} (routes stay; ${current}'s unedited generated files are deleted)`,
    });
  }
  const doc = project.parsed.doc.clone();
  const notes: string[] = [];
  if (replace !== undefined) {
    removePresetFromDocument(doc, replace);
    notes.push(`${name} replaces ${replace}`);
  }
  addPresetToDocument(doc, name);
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
  const index = config.presets.length - (replace !== undefined ? 1 : 0);
  const blame: Blame = (path) => (path[0] === "presets" && path[1] === index ? `dev add preset ${name}` : undefined);
  return { ...reparse(project, stackTextLike(doc, project.parsed.text), blame), notes };
}
