import { isAbsolute, resolve } from "node:path";
import { get, textOf, type ComposeNode, type MapNode, type Origin } from "../compose/compose-node.js";
import { baseDirOf, type ComposeProject } from "../compose/load-compose-project.js";
import { dependencies, parsePort, parseVolume, ShortSyntaxError } from "../compose/short-syntax.js";
import { parseTraefikLabels } from "../compose/traefik-labels.js";
import type { SourceLocation } from "../errors/stack-error.js";
import type { ComposeServiceView, Unmapped, VolumeView } from "./adopt-model.js";

const loc = (o: Origin): SourceLocation => ({ file: o.file, line: o.line, col: o.col });

function strings(node: ComposeNode | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.kind === "seq") return node.items.map((i) => textOf(i) ?? "");
  const t = textOf(node);
  return t === undefined ? undefined : [t];
}

/** The merged project's enabled services in the plain terms adopt reads, paths made absolute. */
export function composeViews(project: ComposeProject): { services: ComposeServiceView[]; unmapped: Unmapped[] } {
  const unmapped: Unmapped[] = [];
  const services: ComposeServiceView[] = [];
  const links = new Map<string, string[]>();
  for (const [name, node] of project.services) {
    for (const l of strings(get(node, "links")) ?? []) {
      const [target, alias] = l.split(":");
      if (alias && target) links.set(target, [...(links.get(target) ?? []), alias]);
    }
  }
  for (const [name, node] of project.services) services.push(viewOf(project, name, node, links.get(name) ?? [], unmapped));
  return { services, unmapped };
}

function viewOf(project: ComposeProject, name: string, node: MapNode, linkAliases: string[], unmapped: Unmapped[]): ComposeServiceView {
  const at = loc(node.origin);
  const dirOf = (o: Origin) => baseDirOf(project, o);
  const view: ComposeServiceView = {
    name,
    at,
    ports: [],
    expose: [],
    volumes: [],
    dependsOn: dependencies(get(node, "depends_on")).map((d) => d.service),
    traefik: parseTraefikLabels(get(node, "labels")),
    aliases: [...linkAliases],
  };
  const image = textOf(get(node, "image"));
  if (image !== undefined) view.image = image;
  const build = get(node, "build");
  if (build) {
    const contextNode = build.kind === "map" ? get(build, "context") : build;
    const context = textOf(contextNode) ?? ".";
    if (/^[a-z]+:\/\//i.test(context) || context.startsWith("git@")) {
      unmapped.push({ service: name, what: `build context ${context}`, reason: "a remote context, not a folder of the project", at: loc(build.origin) });
    } else {
      const dockerfile = build.kind === "map" ? textOf(get(build, "dockerfile")) : undefined;
      view.build = { context: resolve(dirOf((contextNode ?? build).origin), context), ...(dockerfile ? { dockerfile } : {}) };
    }
  }
  // The command as compose runs it: a list, or a string compose splits into words (one without
  // quotes, escapes or variables; anything else would be a guess at its shell-words split).
  const command = get(node, "command");
  if (command?.kind === "seq") view.command = strings(command);
  else {
    const text = textOf(command);
    if (text !== undefined && text.trim() && !/["'\\$`]/.test(text)) view.command = text.trim().split(/\s+/);
  }
  if (get(node, "entrypoint") !== undefined) view.entrypoint = true;
  const guard = <T>(fn: () => T, what: string, o: Origin): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ShortSyntaxError)) throw err;
      unmapped.push({ service: name, what, reason: err.message, at: loc(err.origin ?? o) });
      return undefined;
    }
  };
  const ports = get(node, "ports");
  for (const p of ports?.kind === "seq" ? ports.items : []) {
    const spec = guard(() => parsePort(p), "a port", p.origin);
    if (!spec) continue;
    view.ports.push({
      target: spec.target.start,
      ...(spec.published ? { published: spec.published.start === spec.published.end ? String(spec.published.start) : `${spec.published.start}-${spec.published.end}` } : {}),
      ...(spec.hostIp ? { hostIp: spec.hostIp } : {}),
      protocol: spec.protocol,
    });
  }
  for (const e of strings(get(node, "expose")) ?? []) {
    const n = Number(String(e).split("/")[0]);
    if (Number.isInteger(n)) view.expose.push(n);
  }
  const volumes = get(node, "volumes");
  for (const v of volumes?.kind === "seq" ? volumes.items : []) {
    const spec = guard(() => parseVolume(v), "a volume", v.origin);
    if (!spec) continue;
    const out: VolumeView = { type: spec.type, target: spec.target, at: loc(spec.origin) };
    if (spec.type === "bind" && spec.source) {
      const src = spec.source.startsWith("~") ? spec.source : isAbsolute(spec.source) ? spec.source : resolve(dirOf(spec.origin), spec.source);
      out.source = src;
    }
    view.volumes.push(out);
  }
  const containerName = textOf(get(node, "container_name"));
  if (containerName) view.aliases.push(containerName);
  const networks = get(node, "networks");
  if (networks?.kind === "map") {
    for (const n of networks.entries.values()) for (const a of strings(get(n.value, "aliases")) ?? []) view.aliases.push(a);
  }
  return view;
}
