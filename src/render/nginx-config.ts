import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { PROXY_TLS_CERT, PROXY_TLS_DIR, PROXY_TLS_KEY } from "./proxy-tls.js";
import { renderTemplate } from "./render-template.js";
import { routesVersion, routeTable } from "./routes-version.js";

export const NGINX_CONFIG_PATH = "proxy/nginx/default.conf";

/** nginx server block with one location per route, most specific first. */
export function renderNginxConfig(project: string, services: ResolvedService[]): string {
  const routes = routeTable(services);
  return renderTemplate(join(TEMPLATES_DIR, "nginx/default.conf.hbs"), { project, routes, hasRoot: routes.some((r) => r.root), version: routesVersion(services), tlsInclude: `${PROXY_TLS_DIR}/${NGINX_TLS_FILE.replace(/\.conf$/, "*.conf")}` });
}

/**
 * nginx's HTTPS listener, written beside the certificate (never shipped by dev export): the config
 * includes it by a pattern, so a server block listens on 443 exactly where the certificate is.
 * The default server's `default_server` is on its port 80 listener only: nginx picks the first
 * server block for a name no server_name matches, here the path routes' block.
 */
export const NGINX_TLS_FILE = "nginx-https.conf";
export const NGINX_TLS_CONTENT = `listen 443 ssl;\nssl_certificate ${PROXY_TLS_CERT};\nssl_certificate_key ${PROXY_TLS_KEY};\n`;
