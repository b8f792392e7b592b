import type { ContainerInfo } from "../engine/engine.js";
import { runtimeError } from "../errors/stack-error.js";
import type { ResolvedService } from "../plan/resolve-services.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { waitForPort } from "./wait-port.js";

export interface RestartOutcome {
  service: string;
  seconds: number;
  rebuilt: boolean;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Restarts one service through the Engine API (no compose process in the loop) and waits until
 * it serves again. A rebuild (Dockerfile or dependency manifest changed) goes through compose:
 * build the image, recreate the container.
 */
export async function restartService(ctx: DevContext, svc: ResolvedService, opts: { rebuild: boolean; env: ReadonlyMap<string, string>; onLine?: (line: string) => void }): Promise<RestartOutcome> {
  const started = performance.now();
  if (opts.rebuild) {
    await runCompose(ctx, ["build", svc.name], `building ${svc.name}`, { code: "E_BUILD", onLine: opts.onLine });
    await runCompose(ctx, ["up", "-d", "--no-deps", svc.name], `recreating ${svc.name}`);
  }
  const containers = await ctx.engine.listContainers(ctx.name, { service: svc.name, all: true });
  if (containers.length === 0) {
    throw runtimeError("E_NO_CONTAINER", `${svc.name} has no container`, "start the stack with: dev up");
  }
  if (!opts.rebuild) {
    await Promise.all(containers.map((c) => ctx.engine.restart(c.id, { timeoutSeconds: stopTimeoutOf(svc) })));
  }
  await Promise.all(containers.map((c) => waitReady(ctx, svc, c, opts.env)));
  return { service: svc.name, seconds: (performance.now() - started) / 1000, rebuilt: opts.rebuild };
}

/**
 * Template services speak HTTP on a published port: the first answer there is the earliest
 * honest "ready". Anything else waits for Docker's own health (or just running, without one).
 */
export async function waitReady(ctx: DevContext, svc: ResolvedService, c: ContainerInfo, env: ReadonlyMap<string, string>): Promise<void> {
  const hostPort = Number(env.get(`${svc.envName}_PORT`));
  if (!(svc.preset && svc.port !== undefined && hostPort)) {
    await ctx.engine.waitHealthy(c.id, { timeoutMs: READY_TIMEOUT_MS });
    return;
  }
  // The port answering is success; the engine's wait only matters if it fails first (the
  // container exited or turned unhealthy), which ends the wait with its logs.
  const controller = new AbortController();
  const failure = ctx.engine
    .waitHealthy(c.id, { timeoutMs: READY_TIMEOUT_MS, signal: controller.signal })
    .then(() => new Promise<never>(() => undefined));
  try {
    const ok = await Promise.race([waitForPort(hostPort, { timeoutMs: READY_TIMEOUT_MS, signal: controller.signal }), failure]);
    if (!ok) await failure;
  } finally {
    controller.abort();
    failure.catch(() => undefined);
  }
}

/** The stop timeout the stack declares (a worker gets time to finish its task), else Docker's 10 s. */
export function stopTimeoutOf(svc: ResolvedService): number {
  const fromPreset = (svc.preset?.layers.base?.services?.["{{name}}"] as { stop_grace_period?: string } | undefined)?.stop_grace_period;
  return durationSeconds(svc.stopGracePeriod ?? fromPreset) ?? 10;
}

export function durationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(ms|s|m|h)/g)) {
    total += Number(n) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[unit!]!;
  }
  return Math.ceil(total);
}
