import { connectDev, type DevContext } from "../dev/dev-context.js";
import type { Project } from "../stack/load-project.js";
import { proxyPresetOf, proxyServiceOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "../render/proxy-renderers.js";
import { readProjectEnv } from "../fs/read-env.js";

/**
 * The stack's dev context if it is running now, else undefined: `dev add` and `dev remove` change
 * the files either way, and touch containers only when there are some. No engine means not running.
 */
export async function runningStack(project: Project): Promise<DevContext | undefined> {
  const ctx = connectDev(project);
  try {
    await ctx.engine.ping();
  } catch {
    return undefined;
  }
  return (await ctx.engine.listContainers(ctx.name)).length > 0 ? ctx : undefined;
}

/**
 * Applies the new routing table in the running proxy, when its renderer has an in-place reload
 * (nginx re-reads its config; Traefik follows the engine by itself). Resolves to the proxy's name
 * once it serves the new routes, or undefined when there was nothing to reload.
 */
export async function reloadProxy(ctx: DevContext): Promise<string | undefined> {
  const preset = proxyPresetOf(ctx.project.parsed.config.presets, ctx.project.presets);
  const service = preset && proxyServiceOf(preset);
  const reload = preset && proxyRenderer(preset).reload;
  if (!preset || !service || !reload) return undefined;
  const [container] = await ctx.engine.listContainers(ctx.name, { service });
  if (!container) return undefined;
  const port = (await readProjectEnv(ctx.project.root)).get(preset.proxy!.port_env);
  await reload(
    {
      exec: (cmd) => ctx.engine.exec(container.id, cmd),
      get: (path) => (port ? fetchText(`http://127.0.0.1:${port}${path}`) : Promise.resolve(undefined)),
    },
    ctx.project.services,
  );
  return preset.name;
}

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { headers: { connection: "close" }, signal: AbortSignal.timeout(500) });
    return await res.text();
  } catch {
    return undefined;
  }
}
