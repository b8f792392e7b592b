import type { SourceLocation } from "../errors/stack-error.js";
import { parseTraefikRule } from "./traefik-rule.js";
import type { Unmapped } from "./adopt-model.js";

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

export interface LabelledService {
  name: string;
  labels: Record<string, string>;
  labelAt: (key: string) => SourceLocation;
}

interface Middleware {
  type: string;
  options: Record<string, string>;
  service: string;
}

const ROUTER = /^traefik\.http\.routers\.([^.]+)\.(.+)$/;
const MIDDLEWARE = /^traefik\.http\.middlewares\.([^.]+)\.([^.]+)\.(.+)$/;
const LB_PORT = /^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$/;

/**
 * Routes from Traefik labels across the merged project: routers per service, their rules, the
 * port of the load balancer they use, and stripprefix middlewares wherever they are defined (a
 * middleware lives in Traefik's own namespace, so another service's labels may define it).
 */
export function traefikRoutes(services: LabelledService[]): { routes: Map<string, LabelRoute[]>; unmapped: Unmapped[] } {
  const middlewares = new Map<string, Middleware>();
  for (const svc of services) {
    for (const [key, value] of Object.entries(svc.labels)) {
      const m = MIDDLEWARE.exec(key);
      if (!m) continue;
      const mw = middlewares.get(m[1]!) ?? { type: m[2]!.toLowerCase(), options: {}, service: svc.name };
      mw.options[m[3]!.toLowerCase()] = value;
      middlewares.set(m[1]!, mw);
    }
  }
  const routes = new Map<string, LabelRoute[]>();
  const unmapped: Unmapped[] = [];
  for (const svc of services) {
    if (String(svc.labels["traefik.enable"]).toLowerCase() === "false") continue;
    const routers = new Map<string, Record<string, string>>();
    const ports = new Map<string, number>();
    for (const [key, value] of Object.entries(svc.labels)) {
      const r = ROUTER.exec(key);
      if (r) (routers.get(r[1]!) ?? routers.set(r[1]!, {}).get(r[1]!)!)[r[2]!.toLowerCase()] = value;
      const p = LB_PORT.exec(key);
      if (p) ports.set(p[1]!, Number(value));
    }
    const list: LabelRoute[] = [];
    for (const [router, props] of routers) {
      const ruleKey = `traefik.http.routers.${router}.rule`;
      const at = svc.labelAt(ruleKey);
      if (props.rule === undefined) {
        unmapped.push({ service: svc.name, what: `router ${router}`, reason: "it has no rule", at: svc.labelAt(`traefik.http.routers.${router}.entrypoints`) });
        continue;
      }
      const parsed = parseTraefikRule(props.rule);
      if (!parsed.ok) {
        unmapped.push({ service: svc.name, what: `router ${router} rule ${props.rule}`, reason: parsed.reason, at });
        continue;
      }
      const strip: string[] = [];
      for (const raw of (props.middlewares ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
        const [name, provider] = raw.split("@");
        if (provider && provider !== "docker") continue; // defined in Traefik's files or internally: not ours to read
        const mw = middlewares.get(name!);
        if (!mw) {
          unmapped.push({ service: svc.name, what: `router ${router} middleware ${raw}`, reason: "it is defined nowhere in the merged project", at: svc.labelAt(`traefik.http.routers.${router}.middlewares`) });
          continue;
        }
        if (mw.type === "stripprefix" && mw.options.prefixes) strip.push(...mw.options.prefixes.split(",").map((s) => s.trim()).filter(Boolean));
      }
      const port = props.service !== undefined ? ports.get(props.service) : ports.size === 1 ? [...ports.values()][0] : undefined;
      for (const match of parsed.matches) {
        if (match.others.length) {
          unmapped.push({ service: svc.name, what: `router ${router} rule ${props.rule}`, reason: `it also matches on ${match.others.join(" && ")}, which a path route cannot say`, at });
          continue;
        }
        if (match.hosts.length + match.hostRegexps.length > 1 || match.pathPrefixes.length + match.paths.length > 1) {
          unmapped.push({ service: svc.name, what: `router ${router} rule ${props.rule}`, reason: "one alternative of it names two hosts or two paths at once", at });
          continue;
        }
        const route: LabelRoute = { router, exact: match.paths.length > 0, strip, at };
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
