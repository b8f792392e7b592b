import { runtimeError } from "../../errors/stack-error.js";
import { waitFor } from "../../wait/index.js";
import type { DevContext } from "../dev-context.js";
import { readinessOf } from "../readiness-of.js";

const READY_TIMEOUT_MS = 180_000;
/** Docker's default stop timeout, which compose keeps for a service without stop_grace_period. */
const STOP_TIMEOUT_SECONDS = 10;

/**
 * Restarts a service the stack's presets define (postgres, redis, nginx, ...) through the Engine
 * API and waits until it is ready as `dev up` judges it: its healthcheck command passing (probed
 * at once, not at Docker's next interval), else Docker's word. Resolves with the seconds it took.
 */
export async function restartStackService(ctx: DevContext, name: string, env: ReadonlyMap<string, string>): Promise<number> {
  const started = performance.now();
  const containers = await ctx.engine.listContainers(ctx.name, { service: name, all: true });
  if (containers.length === 0) {
    throw runtimeError("E_NO_CONTAINER", `${name} has no container`, "start the stack with: dev up");
  }
  await Promise.all(
    containers.map(async (c) => {
      await ctx.engine.restart(c.id, { timeoutSeconds: STOP_TIMEOUT_SECONDS });
      const { readiness } = await readinessOf(ctx, c, env);
      await waitFor(readiness, { timeoutMs: READY_TIMEOUT_MS });
    }),
  );
  return (performance.now() - started) / 1000;
}
