import { get, textOf, type ComposeProject, type MapNode } from "../../compose/index.js";
import type { LintRule, TextEdit } from "../lint-rule.js";
import { commandArgs, isTraefik, servicesOf, traefikOf } from "../project-views.js";

export function networksOf(svc: MapNode): string[] {
  if (get(svc, "network_mode")) return [];
  const n = get(svc, "networks");
  return n?.kind === "map" ? [...n.entries.keys()] : ["default"];
}

/** The engine's name of a compose network: its name:, or PROJECT_KEY (an external one keeps its key). */
export function engineNetworkName(project: ComposeProject, key: string): string {
  const def = get(project.model, "networks", key);
  const explicit = textOf(get(def, "name"));
  if (explicit) return explicit;
  const external = get(def, "external");
  if (external?.kind === "scalar" && (external.value === true || external.value === "true")) return key;
  return `${project.name}_${key}`;
}

/** Adds a label line after the service's last label, in the style (list or mapping) it is written in. */
export function addLabelFix(project: ComposeProject, svc: MapNode, key: string, value: string): TextEdit[] | undefined {
  const labels = get(svc, "labels");
  if (labels?.kind !== "map" || labels.entries.size === 0) return undefined;
  const last = [...labels.entries.values()].at(-1)!;
  const source = project.sources.get(last.keyOrigin.file);
  const start = last.keyOrigin.range?.[0];
  const end = last.value.origin.range?.[1];
  if (!source || start === undefined || end === undefined) return undefined;
  const lineStart = source.text.lastIndexOf("\n", start - 1) + 1;
  const lead = source.text.slice(lineStart, start);
  const m = /^(\s*)(-\s+)?["']?$/.exec(lead);
  if (!m) return undefined; // flow style ([a, b] or {a: b}): no safe place for a line
  let lineEnd = source.text.indexOf("\n", end);
  if (lineEnd < 0) lineEnd = source.text.length;
  const line = m[2] ? `${m[1]}${m[2]}${key}=${value}` : `${m[1]}${key}: ${value}`;
  return [{ file: source.path, range: [lineEnd, lineEnd], text: `\n${line}` }];
}

export const traefikNetwork: LintRule = {
  meta: {
    id: "traefik-network",
    severity: "warning",
    docs: "A service routed by Traefik on several networks without traefik.docker.network: Traefik may pick a network it cannot reach (gateway timeouts at random).",
    fixable: true,
  },
  check(ctx) {
    const proxies = servicesOf(ctx.project).filter(([, s]) => isTraefik(s));
    if (proxies.some(([, s]) => commandArgs(s).some((a) => /^--providers\.docker\.network=/i.test(a.text)))) return;
    const proxyNets = new Set(proxies.flatMap(([, s]) => networksOf(s)));
    for (const [name, svc] of servicesOf(ctx.project)) {
      if (isTraefik(svc)) continue;
      const t = traefikOf(svc);
      if (t.network || t.enable?.value.toLowerCase() === "false") continue;
      if (t.routers.size === 0 && t.services.size === 0 && t.enable?.value.toLowerCase() !== "true") continue;
      const nets = networksOf(svc);
      if (nets.length < 2) continue;
      const shared = nets.filter((n) => proxyNets.has(n));
      const fix = shared.length === 1 ? addLabelFix(ctx.project, svc, "traefik.docker.network", engineNetworkName(ctx.project, shared[0]!)) : undefined;
      const at = get(svc, "networks")!.origin;
      ctx.report(at, `${name} is on ${nets.length} networks (${nets.join(", ")}) and routed by Traefik without traefik.docker.network${shared.length === 1 ? `: set it to ${engineNetworkName(ctx.project, shared[0]!)}` : ""}`, fix);
    }
  },
};
