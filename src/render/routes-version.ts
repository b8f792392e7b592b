import { createHash } from "node:crypto";
import type { ResolvedService } from "../stack/resolve-services.js";
import { compareRoutes } from "../stack/route.js";

/**
 * Where a file-configured proxy serves the fingerprint of its routing table (see the nginx and
 * Caddy templates): `dev add` and `dev remove` wait for the new one after a reload.
 */
export const ROUTES_VERSION_PATH = "/.well-known/create-stack/routes";

/** A short fingerprint of the routing table. */
export function routesVersion(services: ResolvedService[]): string {
  const table = services
    .filter((s) => s.route && s.port !== undefined)
    .map((s) => `${s.route} ${s.name}:${s.port}${s.strip ? " strip" : ""}`)
    .sort()
    .join("\n");
  return createHash("sha256").update(table).digest("hex").slice(0, 12);
}

/** One row of a file-configured proxy's routing table, as its template lays it out. */
export interface RouteRow {
  route: string;
  service: string;
  port: number;
  strip?: boolean;
  root: boolean;
  /** A name the proxy's config can use for the route (letters, digits, "_"). */
  id: string;
}

/**
 * The routing table every file-configured proxy renders (nginx, Caddy): routed services with a
 * port, most specific first. `idPrefix` keeps each config's own naming of its upstreams.
 */
export function routeTable(services: ResolvedService[], idPrefix = ""): RouteRow[] {
  return services
    .filter((s) => s.route && s.port !== undefined)
    .sort((a, b) => compareRoutes(a.route!, b.route!))
    .map((s) => ({ route: s.route!, service: s.name, port: s.port!, strip: s.strip, root: s.route === "/", id: `${idPrefix}${s.name.replace(/-/g, "_")}` }));
}
