import type { ContainerInfo } from "../engine/engine.js";
import { runtimeError } from "../errors/stack-error.js";
import type { ResolvedService } from "../plan/resolve-services.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { containerHealthy, firstOf, portAnswers, waitFor, type Readiness } from "../wait/index.js";
import { isLoopback, listeningPorts } from "./listening-ports.js";

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
    // -V: anonymous volumes (a node_modules kept from the image) come fresh from the new image.
    await runCompose(ctx, ["up", "-d", "--no-deps", "--renew-anon-volumes", svc.name], `recreating ${svc.name}`);
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
 * Template and own-Dockerfile services with a published port: the first answer there is the
 * earliest honest "ready" (for an own Dockerfile without a healthcheck, the only one). Anything
 * else waits for Docker's own health (or just running, without one). A container that listens,
 * but on another port than the stack says, fails the wait naming the port it listens on.
 */
export async function waitReady(ctx: DevContext, svc: ResolvedService, c: ContainerInfo, env: ReadonlyMap<string, string>): Promise<void> {
  const hostPort = Number(env.get(`${svc.envName}_PORT`));
  const healthy = containerHealthy(ctx.engine, c.id);
  if (!((svc.preset || svc.build) && svc.port !== undefined && hostPort)) {
    await waitFor(healthy, { timeoutMs: READY_TIMEOUT_MS });
    return;
  }
  // The port answering is the earliest honest "ready"; the container exiting, turning unhealthy
  // or listening on another port first ends the wait with what went wrong.
  await waitFor(firstOf(portAnswers(hostPort), healthy, wrongPort(ctx, svc, c)), { timeoutMs: READY_TIMEOUT_MS });
}

/**
 * Fails once the container listens on TCP ports that do not include the service's (or on its
 * port on loopback only); never ready by itself. Looks every second, after two to let it bind.
 */
function wrongPort(ctx: DevContext, svc: ResolvedService, c: ContainerInfo): Readiness {
  let nextLook = Date.now() + 2000;
  return {
    what: `${svc.name} listening on ${svc.port}`,
    intervalMs: 1000,
    async probe() {
      if (Date.now() < nextLook) return { ready: false };
      nextLook = Date.now() + 1000;
      const listeners = await listeningPorts(ctx.engine, c.id);
      if (!listeners?.length) return { ready: false };
      const own = listeners.filter((l) => l.port === svc.port);
      if (own.length && own.every((l) => isLoopback(l.address))) {
        return { ready: false, failed: runtimeError("E_PORT_LOOPBACK", `${svc.name} listens on ${own[0]!.address}:${svc.port} only, which the proxy and the published port cannot reach`,
          `make it listen on 0.0.0.0:${svc.port} (all interfaces) inside the container`) };
      }
      if (own.length === 0) {
        // Ports others can reach first: those are what the user meant to serve.
        const reachable = listeners.filter((l) => !isLoopback(l.address));
        const ports = [...new Set((reachable.length ? reachable : listeners).map((l) => l.port))].sort((a, b) => a - b);
        return { ready: false, failed: runtimeError("E_PORT_MISMATCH", `${svc.name} does not listen on port ${svc.port}; it listens on ${ports.join(", ")}`,
          `set port: ${ports[0]} for ${svc.name} in stack.yaml (the port inside the container), or make it listen on ${svc.port}`) };
      }
      return { ready: false };
    },
  };
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
