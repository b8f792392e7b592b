import { isStackError } from "../errors/stack-error.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { readProjectEnv } from "../fs/read-env.js";
import { bringBack, type BringBackOutcome } from "./bring-back.js";
import { movePortsTaken, portKeys } from "./check-ports.js";
import { runCompose, type DevContext } from "./dev-context.js";
import type { StackService } from "./stack-services.js";

export function isPortTakenError(err: unknown): boolean {
  return isStackError(err) && err.code === "E_PORT_TAKEN";
}

/**
 * A service that cannot start because another program took its host port while it was down (a
 * crash, a stop): the port moves to a free one as `dev up` moves it at start (.env updated
 * through the plan, under the project lock), and the service is recreated on it. Rethrows
 * `failure` when no port of the stack is taken any more (nothing this can fix).
 */
export async function bringBackOnFreePorts(ctx: DevContext, svc: StackService, failure: unknown, log: (line: string) => void, signal?: AbortSignal): Promise<BringBackOutcome & { moved: string[] }> {
  const root = ctx.project.root;
  const moved = await withProjectWrite(
    root,
    "dev up (moving a taken host port)",
    async () => {
      const own = await ctx.engine.listContainers(ctx.name);
      const ownPorts = new Set(own.flatMap((c) => c.ports.map((p) => p.hostPort).filter((p): p is number => p !== undefined)));
      const moved = await movePortsTaken(root, portKeys(ctx.project), ownPorts);
      // Its published port is part of its container: a new one is made with the new .env.
      if (moved.length) await runCompose(ctx, ["up", "-d", "--no-deps", svc.name], `recreating ${svc.name} on a free port`);
      return moved;
    },
    { onWait: () => undefined, signal },
  );
  if (moved.length === 0) throw failure;
  for (const line of moved) log(line);
  const back = await bringBack(ctx, svc, await readProjectEnv(root));
  return { ...back, moved };
}
