import { containerHealthy, waitFor } from "../wait/index.js";
import type { DevContext } from "./dev-context.js";

/**
 * Waits for every running container of the stack to be healthy (or running, without a
 * healthcheck), printing each as it gets there. The first one that fails ends the wait with its
 * last log lines and health output (the engine adapter's E_UNHEALTHY error).
 */
export async function waitStackHealthy(ctx: DevContext, only: string[], log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const containers = (await ctx.engine.listContainers(ctx.name)).filter((c) => only.length === 0 || only.includes(c.service));
  await Promise.all(
    containers.map(async (c) => {
      await waitFor(containerHealthy(ctx.engine, c.id), { timeoutMs: 180_000 });
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      log(`  ${c.service.padEnd(14)} ${c.health === "none" ? "running" : "healthy"} (${secs} s)`);
    }),
  );
}
