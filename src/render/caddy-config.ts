import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { compareRoutes } from "../stack/route.js";
import { nginxRoutesVersion } from "./nginx-config.js";
import { PROXY_TLS_CERT, PROXY_TLS_KEY } from "./proxy-tls.js";
import { renderTemplate } from "./render-template.js";

export const CADDY_CONFIG_PATH = "proxy/caddy/Caddyfile";
/** Where the preset mounts proxy/caddy: `caddy reload` reads the file there. */
export const CADDY_CONFIG_IN_CONTAINER = "/etc/caddy/Caddyfile";

/** Caddyfile with one handle per route, most specific first, and one site per NAME.localhost. */
export function renderCaddyConfig(project: string, services: ResolvedService[]): string {
  const routes = services
    .filter((s) => s.route && s.port !== undefined)
    .sort((a, b) => compareRoutes(a.route!, b.route!))
    .map((s) => ({
      route: s.route!,
      service: s.name,
      port: s.port!,
      strip: s.strip,
      root: s.route === "/",
      id: `route_${s.name.replace(/-/g, "_")}`,
    }));
  return renderTemplate(join(TEMPLATES_DIR, "caddy/Caddyfile.hbs"), {
    project,
    routes,
    version: nginxRoutesVersion(services),
    certFile: PROXY_TLS_CERT,
    keyFile: PROXY_TLS_KEY,
  });
}
