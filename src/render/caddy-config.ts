import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { PROXY_TLS_CERT, PROXY_TLS_DIR, PROXY_TLS_KEY } from "./proxy-tls.js";
import { renderTemplate } from "./render-template.js";
import { routesVersion, routeTable } from "./routes-version.js";

export const CADDY_CONFIG_PATH = "proxy/caddy/Caddyfile";
/** Where the preset mounts proxy/caddy: `caddy reload` reads the file there. */
export const CADDY_CONFIG_IN_CONTAINER = "/etc/caddy/Caddyfile";

/** Caddyfile with one handle per route, most specific first, and one site per NAME.localhost. */
export function renderCaddyConfig(project: string, services: ResolvedService[]): string {
  return renderTemplate(join(TEMPLATES_DIR, "caddy/Caddyfile.hbs"), {
    project,
    routes: routeTable(services, "route_"),
    version: routesVersion(services),
    tlsImport: `${PROXY_TLS_DIR}/${CADDY_TLS_FILE.replace(/\.caddy$/, "*.caddy")}`,
  });
}

/**
 * The HTTPS sites' `tls` line, written into the certificate's folder with the certificate (like
 * nginx's listener): imported by a glob, so a Caddyfile shipped without it (Swarm) still loads.
 */
export const CADDY_TLS_FILE = "caddy-tls.caddy";
export const CADDY_TLS_CONTENT = `tls ${PROXY_TLS_CERT} ${PROXY_TLS_KEY}\n`;
