import { readProjectEnv } from "../fs/read-env.js";
import { waitFor } from "../wait/index.js";
import type { DevContext } from "./dev-context.js";
import { readinessOf } from "./readiness-of.js";

const READY_TIMEOUT_MS = 180_000;

/**
 * Waits for every running container of the stack (or of `only`) to be ready as `dev up` judges
 * it (readinessOf: its port answering, its healthcheck passing, probed at once), printing each
 * as it gets there. The first one that fails ends the wait with its last log lines and health
 * output (the engine adapter's E_UNHEALTHY error).
 */
export async function waitStackHealthy(ctx: DevContext, only: string[], log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const containers = (await ctx.engine.listContainers(ctx.name)).filter((c) => only.length === 0 || only.includes(c.service));
  const env = await readProjectEnv(ctx.project.root);
  await Promise.all(
    containers.map(async (c) => {
      const { readiness, label } = await readinessOf(ctx, c, env);
      await waitFor(readiness, { timeoutMs: READY_TIMEOUT_MS });
      log(`  ${c.service.padEnd(14)} ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }),
  );
}
