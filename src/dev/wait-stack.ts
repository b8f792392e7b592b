import { readProjectEnv } from "../fs/read-env.js";
import { containerHealthy, waitFor } from "../wait/index.js";
import type { DevContext } from "./dev-context.js";
import { waitReady } from "./restart-service.js";

/**
 * Waits for every running container of the stack to be healthy (or running, without a
 * healthcheck), printing each as it gets there. The first one that fails ends the wait with its
 * last log lines and health output (the engine adapter's E_UNHEALTHY error).
 */
export async function waitStackHealthy(ctx: DevContext, only: string[], log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const containers = (await ctx.engine.listContainers(ctx.name)).filter((c) => only.length === 0 || only.includes(c.service));
  const env = await readProjectEnv(ctx.project.root);
  await Promise.all(
    containers.map(async (c) => {
      // An own-Dockerfile service without a healthcheck is ready when its port answers.
      const own = ctx.project.services.find((s) => s.name === c.service && s.build && !s.healthcheck && s.port !== undefined);
      if (own) await waitReady(ctx, own, c, env);
      else await waitFor(containerHealthy(ctx.engine, c.id), { timeoutMs: 180_000 });
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      log(`  ${c.service.padEnd(14)} ${own ? "answers" : c.health === "none" ? "running" : "healthy"} (${secs} s)`);
    }),
  );
}
