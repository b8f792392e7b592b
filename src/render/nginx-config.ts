import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { compareRoutes } from "../stack/route.js";
import { PROXY_TLS_CERT, PROXY_TLS_DIR, PROXY_TLS_KEY } from "./proxy-tls.js";
import { renderTemplate } from "./render-template.js";
import { ROUTES_VERSION_PATH, routesVersion } from "./routes-version.js";

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
  return renderTemplate(join(TEMPLATES_DIR, "nginx/default.conf.hbs"), { project, routes, version: routesVersion(services), tlsInclude: `${PROXY_TLS_DIR}/${NGINX_TLS_FILE.replace(/\.conf$/, "*.conf")}` });
}

export const NGINX_VERSION_PATH = ROUTES_VERSION_PATH;

/** A short fingerprint of the routing table, served by the config itself (see the template). */
export const nginxRoutesVersion = routesVersion;

/**
 * nginx's HTTPS listener, written beside the certificate (never shipped by dev export): the config
 * includes it by a pattern, so a server block listens on 443 exactly where the certificate is.
 * The default server's `default_server` is on its port 80 listener only: nginx picks the first
 * server block for a name no server_name matches, here the path routes' block.
 */
export const NGINX_TLS_FILE = "nginx-https.conf";
export const NGINX_TLS_CONTENT = `listen 443 ssl;\nssl_certificate ${PROXY_TLS_CERT};\nssl_certificate_key ${PROXY_TLS_KEY};\n`;
