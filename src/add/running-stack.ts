import { runtimeError } from "../errors/stack-error.js";
import { connectDev, type DevContext } from "../dev/dev-context.js";
import type { Project } from "../stack/load-project.js";
import { NGINX_VERSION_PATH, nginxRoutesVersion } from "../render/nginx-config.js";
import { readProjectEnv } from "../fs/read-env.js";
import { condition, waitFor } from "../wait/index.js";

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
 * nginx re-reads its generated config in place: no restart, no dropped connections. The reload
 * is asynchronous, and for a moment old and new workers accept side by side; so this waits until
 * the old workers have stopped accepting (the count of active workers is back to what it was)
 * and nginx serves the new routes version.
 */
export async function reloadNginx(ctx: DevContext): Promise<boolean> {
  if (!ctx.project.parsed.config.presets.includes("nginx")) return false;
  const [nginx] = await ctx.engine.listContainers(ctx.name, { service: "nginx" });
  if (!nginx) return false;
  const workersBefore = await activeWorkers(ctx, nginx.id);
  const res = await ctx.engine.exec(nginx.id, ["nginx", "-s", "reload"]);
  if (res.exitCode !== 0) {
    throw runtimeError("E_NGINX_RELOAD", "nginx rejected the new configuration", "the previous configuration stays in use; see nginx's message above", res.output.split("\n"));
  }
  const port = (await readProjectEnv(ctx.project.root)).get("PROXY_PORT");
  const expected = nginxRoutesVersion(ctx.project.services);
  const switched = condition("nginx serving the new routes", async () => (await activeWorkers(ctx, nginx.id)) <= workersBefore && (!port || (await servedVersion(port)) === expected));
  await waitFor(switched, { timeoutMs: 15_000 }).catch(() => {
    throw runtimeError("E_NGINX_RELOAD", "nginx did not switch to the new configuration within 15 s", "see dev logs nginx");
  });
  return true;
}

/** Workers that accept connections: titled "nginx: worker process", not "... is shutting down". */
async function activeWorkers(ctx: DevContext, id: string): Promise<number> {
  const res = await ctx.engine.exec(id, ["sh", "-c", 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done 2>/dev/null']);
  return res.output.split("\n").filter((l) => l.startsWith("nginx: worker process") && !l.includes("shutting down")).length;
}

async function servedVersion(port: string): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${NGINX_VERSION_PATH}`, { headers: { connection: "close" }, signal: AbortSignal.timeout(500) });
    return await res.text();
  } catch {
    return undefined;
  }
}
