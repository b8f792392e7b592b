import { createHash } from "node:crypto";
import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { compareRoutes } from "../stack/route.js";
import { renderTemplate } from "./render-template.js";

export const NGINX_CONFIG_PATH = "proxy/nginx/default.conf";

/** nginx server block with one location per route, most specific first. */
export function renderNginxConfig(project: string, services: ResolvedService[]): string {
  const routes = services
    .filter((s) => s.route && s.port !== undefined)
    .sort((a, b) => compareRoutes(a.route!, b.route!))
    .map((s) => ({
      route: s.route!,
      service: s.name,
      port: s.port!,
      strip: s.strip,
      root: s.route === "/",
      id: s.name.replace(/-/g, "_"),
    }));
  return renderTemplate(join(TEMPLATES_DIR, "nginx/default.conf.hbs"), { project, routes, version: routesVersion(routes) });
}

export const NGINX_VERSION_PATH = "/.well-known/create-stack/routes";

/** A short fingerprint of the routing table, served by the config itself (see the template). */
export function nginxRoutesVersion(services: ResolvedService[]): string {
  return routesVersion(services.filter((s) => s.route && s.port !== undefined).map((s) => ({ route: s.route!, service: s.name, port: s.port!, strip: s.strip })));
}

function routesVersion(routes: { route: string; service: string; port: number; strip: boolean }[]): string {
  const table = routes.map((r) => `${r.route} ${r.service}:${r.port}${r.strip ? " strip" : ""}`).sort().join("\n");
  return createHash("sha256").update(table).digest("hex").slice(0, 12);
}
