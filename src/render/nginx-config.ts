import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { ResolvedService } from "../plan/resolve-services.js";
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
  return renderTemplate(join(TEMPLATES_DIR, "nginx/default.conf.hbs"), { project, routes });
}
