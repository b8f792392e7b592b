import { withProjectWrite } from "../fs/project-transaction.js";
import { readProjectEnv } from "../fs/read-env.js";
import { bringBack, type BringBackOutcome } from "./bring-back.js";
import { movePortsTaken, portIsFree, portKeys } from "./check-ports.js";
import { isPortTakenError, takenPort } from "../engine/port-taken.js";
import type { StackError } from "../errors/stack-error.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { startStack } from "./start-stack.js";
import type { StackService } from "./stack-services.js";

/** Rounds of moving before the start gives up: each one moved a port another program took meanwhile. */
const MAX_PORT_MOVES = 3;

/**
 * Under the project lock: the stack's host ports another program holds move to free ones (.env
 * updated through the plan; ports the project's own containers publish are its own), and, when
 * any moved, `recreate` (compose arguments) makes the containers again with the new .env: a
 * published port is part of its container. One line per moved port.
 */
async function movePortsAndRecreate(ctx: DevContext, recreate: string[], what: string, signal?: AbortSignal, refused?: number): Promise<string[]> {
  return withProjectWrite(
    ctx.project.root,
    "dev up (moving a taken host port)",
    async () => {
      const moved = await movePortsHeld(ctx, refused);
      if (moved.length) await runCompose(ctx, recreate, what);
      return moved;
    },
    { onWait: () => undefined, signal },
  );
}

/**
 * The move itself, by a caller that holds the project lock. `refused`: the port the engine
 * refused, moved even if it looks free from here (the engine holds it for another container of
 * its own, allocated at its start, before anything listens).
 */
async function movePortsHeld(ctx: DevContext, refused?: number): Promise<string[]> {
  const own = await ctx.engine.listContainers(ctx.name);
  const ownPorts = new Set(own.flatMap((c) => c.ports.map((p) => p.hostPort).filter((p): p is number => p !== undefined)));
  return movePortsTaken(ctx.project.root, portKeys(ctx.project), ownPorts, async (port) => port !== refused && (await portIsFree(port)));
}

/** The port an E_PORT_TAKEN error names. */
function refusedPort(err: StackError): number | undefined {
  return takenPort([err.message, ...err.details].join("\n")) ?? (Number(/host port (\d+)/.exec(err.message)?.[1]) || undefined);
}

/**
 * `dev add service`'s start of the new service, under the project lock its command holds: where
 * another program took the service's host port since the plan chose it, the port moves to a
 * free one as `dev up` moves it, and the service starts there.
 */
export async function upOnFreePorts(ctx: DevContext, service: string, log: (line: string) => void): Promise<void> {
  for (let round = 0; ; round++) {
    try {
      await runCompose(ctx, ["up", "-d", "--no-deps", service], `starting ${service}`);
      return;
    } catch (err) {
      if (!isPortTakenError(err) || round >= MAX_PORT_MOVES) throw err;
      const moved = await movePortsHeld(ctx, refusedPort(err));
      if (moved.length === 0) throw err;
      for (const line of moved) log(line);
    }
  }
}

/**
 * A service that cannot start because another program took its host port while it was down (a
 * crash, a stop): the port moves to a free one as `dev up` moves it at start, and the service is
 * recreated on it. Rethrows `failure` when no port of the stack is taken any more (nothing this
 * can fix).
 */
export async function bringBackOnFreePorts(ctx: DevContext, svc: StackService, failure: unknown, log: (line: string) => void, signal?: AbortSignal): Promise<BringBackOutcome & { moved: string[] }> {
  const moved = await movePortsAndRecreate(ctx, ["up", "-d", "--no-deps", svc.name], `recreating ${svc.name} on a free port`, signal);
  if (moved.length === 0) throw failure;
  for (const line of moved) log(line);
  const back = await bringBack(ctx, svc, await readProjectEnv(ctx.project.root));
  return { ...back, moved };
}

/**
 * `dev up`'s start (startStack), where another program may take a host port between the check
 * made under the project lock and a container's start (another stack starting at the same
 * moment, on this engine or another): the port moves to a free one, the containers are made
 * again with the new .env (`up --no-start`: started below, in dependency order), and the start
 * goes on. Any other failure, or one no move fixes, is the start's result.
 */
export async function startOnFreePorts(ctx: DevContext, only: string[], log: (line: string) => void): Promise<void> {
  for (let round = 0; ; round++) {
    try {
      await startStack(ctx, only, await readProjectEnv(ctx.project.root), log);
      return;
    } catch (err) {
      if (!isPortTakenError(err) || round >= MAX_PORT_MOVES) throw err;
      const moved = await movePortsAndRecreate(ctx, ["up", "--no-start", ...only], "recreating the stack on free ports", undefined, refusedPort(err));
      if (moved.length === 0) throw err;
      for (const line of moved) log(line);
    }
  }
}
