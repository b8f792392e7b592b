import type { Origin } from "../compose/compose-node.js";
import { middlewareRef, stripPrefixes, type TraefikMiddleware } from "../compose/traefik-labels.js";
import type { SourceLocation } from "../errors/stack-error.js";
import type { ComposeServiceView, Unmapped } from "./adopt-model.js";
import { ruleMatches } from "./traefik-rule.js";

/** A route read from a service's Traefik labels. */
export interface LabelRoute {
  router: string;
  host?: string;
  hostRegexp?: string;
  /** A path prefix (PathPrefix) or an exact path (Path). */
  path?: string;
  exact: boolean;
  /** Prefixes a stripprefix middleware of the router removes. */
  strip: string[];
  port?: number;
  at: SourceLocation;
}

/** A service's labels as the one Traefik label reader (compose/traefik-labels, dev lint's too) reads them. */
export type LabelledService = Pick<ComposeServiceView, "name" | "traefik">;

const loc = (o: Origin): SourceLocation => ({ file: o.file, line: o.line, col: o.col });

/**
 * Routes from Traefik labels across the merged project: HTTP routers per service, their rules,
 * the port of the load balancer they use, and stripprefix middlewares wherever they are defined
 * (a middleware lives in Traefik's own namespace, so another service's labels may define it).
 */
export function traefikRoutes(services: LabelledService[]): { routes: Map<string, LabelRoute[]>; unmapped: Unmapped[] } {
  // The first service to define a middleware gives its type; options written on later ones add to it.
  const middlewares = new Map<string, TraefikMiddleware>();
  for (const svc of services) {
    for (const [name, mw] of svc.traefik.middlewares) {
      const known = middlewares.get(name);
      if (!known) middlewares.set(name, { ...mw, options: new Map(mw.options) });
      else for (const [k, v] of mw.options) known.options.set(k, v);
    }
  }
  const routes = new Map<string, LabelRoute[]>();
  const unmapped: Unmapped[] = [];
  for (const svc of services) {
    const labels = svc.traefik;
    if (labels.enable?.value.toLowerCase() === "false") continue;
    const ports = new Map<string, number>();
    for (const [name, s] of labels.services) if (s.port) ports.set(name, Number(s.port.value));
    const list: LabelRoute[] = [];
    for (const r of labels.routers.values()) {
      if (r.protocol !== "http") continue;
      if (!r.rule) {
        unmapped.push({ service: svc.name, what: `router ${r.name}`, reason: "it has no rule", at: loc(r.origin) });
        continue;
      }
      const at = loc(r.rule.keyOrigin);
      const parsed = ruleMatches(r.rule.ast, r.rule.error);
      if (!parsed.ok) {
        unmapped.push({ service: svc.name, what: `router ${r.name} rule ${r.rule.value}`, reason: parsed.reason, at });
        continue;
      }
      const strip: string[] = [];
      for (const ref of r.middlewares) {
        const { name, provider } = middlewareRef(ref.value);
        if (provider && provider !== "docker") continue; // defined in Traefik's files or internally: not ours to read
        const mw = middlewares.get(name);
        if (!mw) {
          unmapped.push({ service: svc.name, what: `router ${r.name} middleware ${ref.value}`, reason: "it is defined nowhere in the merged project", at: loc(ref.keyOrigin) });
          continue;
        }
        strip.push(...(stripPrefixes(mw) ?? []));
      }
      const port = r.service !== undefined ? ports.get(r.service.value) : ports.size === 1 ? [...ports.values()][0] : undefined;
      for (const match of parsed.matches) {
        if (match.others.length) {
          unmapped.push({ service: svc.name, what: `router ${r.name} rule ${r.rule.value}`, reason: `it also matches on ${match.others.join(" && ")}, which a path route cannot say`, at });
          continue;
        }
        if (match.hosts.length + match.hostRegexps.length > 1 || match.pathPrefixes.length + match.paths.length > 1) {
          unmapped.push({ service: svc.name, what: `router ${r.name} rule ${r.rule.value}`, reason: "one alternative of it names two hosts or two paths at once", at });
          continue;
        }
        const route: LabelRoute = { router: r.name, exact: match.paths.length > 0, strip, at };
        if (match.hosts[0] !== undefined) route.host = match.hosts[0];
        if (match.hostRegexps[0] !== undefined) route.hostRegexp = match.hostRegexps[0];
        const path = match.pathPrefixes[0] ?? match.paths[0];
        if (path !== undefined) route.path = path;
        if (port !== undefined && Number.isInteger(port)) route.port = port;
        if (!list.some((x) => x.host === route.host && x.path === route.path && x.hostRegexp === route.hostRegexp && x.exact === route.exact)) list.push(route);
      }
    }
    if (list.length) routes.set(svc.name, list);
  }
  return { routes, unmapped };
}
