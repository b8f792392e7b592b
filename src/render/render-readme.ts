import { join } from "node:path";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import { interpolateString } from "../presets/interpolate.js";
import type { PresetRegistry } from "../presets/load-presets.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { compareRoutes } from "../stack/route.js";
import { routeUrls } from "../stack/route-urls.js";
import type { StackConfig } from "../stack/stack-config.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { LAYER_FILES, layersOf } from "./layer-files.js";
import { proxyRenderer } from "./proxy-renderers.js";
import { renderTemplate } from "./render-template.js";

/** What each compose layer holds, as the README explains it. */
const LAYER_ROLES: Record<string, string> = {
  base: "base",
  dev: "source mounts, host ports, the dev process supervisor",
  proxy: "routing",
  tools: "jumpbox",
};

/**
 * The generated project's README: URLs, commands, where to edit what. Only what stack.yaml
 * decides: it is committed, so the host ports (each checkout's own, in .env, moved by `dev up`
 * when another program holds one) appear as their .env keys.
 */
export function renderReadme(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): string {
  const proxy = proxyPresetOf(stack.presets, presets);
  const portKey = proxy?.proxy?.port_env;
  const httpsKey = proxy?.proxy?.https_port_env;
  const keys = new Map<string, string>([
    ...(portKey ? ([["PROXY_PORT", `$${portKey}`]] as const) : []),
    ...(httpsKey ? ([["PROXY_HTTPS_PORT", `$${httpsKey}`]] as const) : []),
  ]);
  const dashboard = proxy?.proxy?.dashboard;
  const addons = stack.presets
    .map((p) => presets.get(p)!)
    .filter((p) => p.kind === "addon")
    .map((p) => {
      const key = Object.entries(p.env).find(([, spec]) => spec.port !== undefined)?.[0];
      return { name: p.name, preset: p.name, hostPort: key ? `$${key}` : undefined };
    });
  return renderTemplate(join(TEMPLATES_DIR, "project/README.md.hbs"), {
    project: stack.name,
    proxy: portKey ? true : false,
    proxyName: proxy ? proxy.name[0]!.toUpperCase() + proxy.name.slice(1) : "",
    dashboardUrl: dashboard ? `http://127.0.0.1:$${dashboard.port_env}${dashboard.path}` : "",
    routes: services
      .filter((s) => s.route)
      .sort((a, b) => compareRoutes(a.route!, b.route!))
      .map((s) => {
        const urls = routeUrls(s.route!, keys);
        return { route: s.route, service: s.name, url: urls.url ?? "-", httpsUrl: urls.httpsUrl ?? "-" };
      }),
    services: services.map((s) => ({
      name: s.name,
      path: s.preset ? s.path : undefined,
      image: s.image ?? "",
      hostPort: s.port !== undefined && !s.adopted ? `$${s.envName}_PORT` : undefined,
    })),
    addons,
    jumpbox: stack.presets.includes("jumpbox"),
    generated: generatedFiles(stack, presets, services),
  });
}

/** The files the README tells not to edit: the compose layers, then the proxy's own files. */
function generatedFiles(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): string[] {
  const layers = layersOf(stack, presets).map((l) => `\`${LAYER_FILES[l]}\` (${LAYER_ROLES[l]})`);
  const proxy = proxyPresetOf(stack.presets, presets);
  const proxyFiles = ((proxy && proxyRenderer(proxy).files?.(stack.name, services)) ?? []).map((f) => f.path);
  const ctx = { project: stack.name, name: "", path: "", port: "", route: "", envName: "" };
  const presetFiles = stack.presets.flatMap((n) =>
    (presets.get(n)?.files ?? []).filter((f) => f.owner === "generated").map((f) => interpolateString(f.path, { ...ctx, name: n }, `preset ${n}`)),
  );
  return [...layers, ...[...proxyFiles, ...presetFiles].map((p) => `\`${p}\``)];
}
