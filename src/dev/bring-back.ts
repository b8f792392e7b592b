import type { ContainerInfo } from "../engine/engine.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { stopTimeoutOf, waitReady } from "./restart/restart-service.js";
import { waitFor } from "../wait/index.js";
import { readinessOf } from "./readiness-of.js";
import type { StackService } from "./stack-services.js";

export interface BringBackOutcome {
  service: string;
  seconds: number;
  /** started: its container was started again; recreated: it had none; restarted: it ran, and was restarted as asked; running: nothing to do. */
  how: "started" | "recreated" | "restarted" | "running";
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Brings a service of the stack (app or preset) back to running and waits until it is ready:
 * a stopped container is started through the Engine API; a removed one is recreated by compose
 * (`up -d --no-deps`, so nothing else is touched). Readiness is the app's port answering or the
 * service's own healthcheck, as after a restart.
 */
export async function bringBack(ctx: DevContext, svc: StackService, env: ReadonlyMap<string, string>, opts: { restartRunning?: boolean } = {}): Promise<BringBackOutcome> {
  const started = performance.now();
  let how: BringBackOutcome["how"] = "running";
  const before = await settledContainers(ctx, svc.name);
  if (before.length === 0) {
    await runCompose(ctx, ["up", "-d", "--no-deps", svc.name], `recreating ${svc.name}`);
    how = "recreated";
  } else {
    if (opts.restartRunning) {
      for (const c of before.filter((c) => c.state === "running")) {
        how = "restarted";
        await ctx.engine.restart(c.id, { timeoutSeconds: svc.app ? stopTimeoutOf(svc.app) : 10 });
      }
    }
    for (const c of before.filter((c) => c.state !== "running")) {
      how = "started";
      // A container whose network went away (compose down from elsewhere) cannot start: compose
      // recreates what it needs.
      await ctx.engine.start(c.id).catch(() => runCompose(ctx, ["up", "-d", "--no-deps", svc.name], `starting ${svc.name}`));
    }
  }
  const now = await ctx.engine.listContainers(ctx.name, { service: svc.name, all: true });
  await Promise.all(now.map((c) => waitServing(ctx, svc, c, env)));
  return { service: svc.name, seconds: (performance.now() - started) / 1000, how };
}

/**
 * Its containers, once none is being removed (removing a big one's files takes a while). Their
 * state comes from inspect: the container list may still show a container running that is
 * already dead and being removed.
 */
async function settledContainers(ctx: DevContext, service: string): Promise<ContainerInfo[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const listed = await ctx.engine.listContainers(ctx.name, { service, all: true });
    const states = await Promise.all(listed.map((c) => ctx.engine.inspect(c.id).then((i) => ({ ...c, state: i.state }), () => undefined)));
    const present = states.filter((c): c is ContainerInfo => c !== undefined);
    const leaving = present.filter((c) => c.state === "removing" || c.state === "dead");
    if (leaving.length === 0 || Date.now() > deadline) return present.filter((c) => !leaving.includes(c));
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitServing(ctx: DevContext, svc: StackService, c: ContainerInfo, env: ReadonlyMap<string, string>): Promise<void> {
  if (svc.app) await waitReady(ctx, svc.app, c, env);
  else await waitFor((await readinessOf(ctx, c, env, { one: true })).readiness, { timeoutMs: READY_TIMEOUT_MS });
}
