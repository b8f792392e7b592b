import type { DevContext } from "./dev-context.js";
import type { ContainerInfo } from "../engine/engine.js";
import { proxyPresetOf, proxyServiceOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "../render/proxy-renderers.js";
import { readProjectEnv } from "../fs/read-env.js";
import { PROXY_GET_MIN_MS } from "../wait/index.js";

/**
 * Applies the new routing table in the running proxy, when its renderer has an in-place reload
 * (nginx re-reads its config; Traefik follows the engine by itself). Resolves to the proxy's name
 * once it serves the new routes, or undefined when there was nothing to reload.
 */
export async function reloadProxy(ctx: DevContext): Promise<string | undefined> {
  const found = await runningProxy(ctx);
  if (!found?.renderer.reload) return undefined;
  await found.renderer.reload(found.io, ctx.project.services);
  return found.preset.name;
}

/**
 * What the running proxy serves beside what stack.yaml routes: `stale` when they differ (e.g. a
 * `dev add` whose build failed wrote the new config, and nothing reloaded it since). Undefined when
 * it cannot tell: no proxy that reports its routes, not running, or not answering.
 */
export async function proxyRoutes(ctx: DevContext, listed?: ContainerInfo[]): Promise<{ proxy: string; served: string; expected: string; stale: boolean } | undefined> {
  const found = await runningProxy(ctx, listed);
  const report = found?.renderer.servedRoutes;
  if (!found || !report) return undefined;
  const served = await found.io.get(report.path);
  if (served === undefined) return undefined;
  const expected = report.version(ctx.project.services);
  return { proxy: found.preset.name, served: served.trim(), expected, stale: served.trim() !== expected };
}

/** Reloads the proxy when it serves other routes than stack.yaml's; resolves to its name when it did. */
export async function reloadProxyIfStale(ctx: DevContext): Promise<string | undefined> {
  const routes = await proxyRoutes(ctx);
  if (!routes?.stale) return undefined;
  return reloadProxy(ctx);
}

/** The line that says so. */
export const proxyReloadedLine = (proxy: string) => `${proxy} served older routes than stack.yaml: reloaded, it serves the current ones`;

/** `listed`: the project's containers when the caller has listed them already (one list, not two). */
async function runningProxy(ctx: DevContext, listed?: ContainerInfo[]) {
  const preset = proxyPresetOf(ctx.project.parsed.config.presets, ctx.project.presets);
  const service = preset && proxyServiceOf(preset);
  if (!preset || !service) return undefined;
  const renderer = proxyRenderer(preset);
  const [container] = listed ? listed.filter((c) => c.service === service && c.state === "running") : await ctx.engine.listContainers(ctx.name, { service });
  if (!container) return undefined;
  const port = (await readProjectEnv(ctx.project.root)).get(preset.proxy!.port_env);
  return {
    preset,
    renderer,
    io: {
      exec: (cmd: string[]) => ctx.engine.exec(container.id, cmd),
      get: (path: string, timeoutMs?: number) => (port ? fetchText(`http://127.0.0.1:${port}${path}`, timeoutMs) : Promise.resolve(undefined)),
      logs: (tail: number) => ctx.engine.logs(container.id, { tail }),
    },
  };
}

async function fetchText(url: string, timeoutMs = PROXY_GET_MIN_MS): Promise<string | undefined> {
  try {
    const res = await fetch(url, { headers: { connection: "close" }, signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}
