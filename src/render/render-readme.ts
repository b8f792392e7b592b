import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import type { PresetRegistry } from "../presets/load-presets.js";
import type { ResolvedService } from "../plan/resolve-services.js";
import { compareRoutes } from "../stack/route.js";
import type { StackConfig } from "../stack/stack-config.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "./proxy-renderers.js";
import { renderTemplate } from "./render-template.js";

/** The generated project's README: URLs, commands, where to edit what. */
export function renderReadme(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[], env: Record<string, string>, composeCommand = "docker compose"): string {
  const kinds = new Set(stack.presets.map((p) => presets.get(p)?.kind));
  const proxy = proxyPresetOf(stack.presets, presets);
  const proxyPort = proxy ? env[proxy.proxy!.port_env] : undefined;
  const dashboard = proxy?.proxy?.dashboard;
  const addons = stack.presets
    .map((p) => presets.get(p)!)
    .filter((p) => p.kind === "addon")
    .map((p) => {
      const portKey = Object.entries(p.env).find(([, spec]) => spec.port !== undefined)?.[0];
      return { name: p.name, preset: p.name, hostPort: portKey ? env[portKey] : undefined };
    });
  return renderTemplate(join(TEMPLATES_DIR, "project/README.md.hbs"), {
    project: stack.name,
    compose: composeCommand,
    proxyUrl: proxyPort ? `http://127.0.0.1:${proxyPort}` : "",
    proxyName: proxy ? proxy.name[0]!.toUpperCase() + proxy.name.slice(1) : "",
    dashboardUrl: dashboard && env[dashboard.port_env] ? `http://127.0.0.1:${env[dashboard.port_env]}${dashboard.path}` : "",
    routes: services
      .filter((s) => s.route)
      .sort((a, b) => compareRoutes(a.route!, b.route!))
      .map((s) => ({ route: s.route, service: s.name })),
    services: services.map((s) => ({
      name: s.name,
      path: s.preset ? s.path : undefined,
      image: s.image ?? "",
      hostPort: s.port !== undefined ? env[`${s.envName}_PORT`] : undefined,
    })),
    addons,
    jumpbox: stack.presets.includes("jumpbox"),
    proxyLayer: kinds.has("proxy"),
    toolsLayer: kinds.has("tool"),
    proxyFiles: ((proxy && proxyRenderer(proxy).files?.(stack.name, services)) ?? []).map((f) => `\`${f.path}\``).join(", "),
  });
}
