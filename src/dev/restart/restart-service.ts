import type { ContainerInfo } from "../../engine/engine.js";
import { runtimeError } from "../../errors/stack-error.js";
import type { ResolvedService } from "../../stack/resolve-services.js";
import { RELOAD_SIGNAL, RELOADED_LINE, SUPERVISOR_MARK, reloadModeOf, stopTimeoutOf } from "../../render/supervisor.js";
import { runCompose, type DevContext } from "../dev-context.js";
import { buildImages } from "../build-images.js";
import { containerHealthy, firstOf, waitFor, type Readiness } from "../../wait/index.js";
import { readinessOf } from "../readiness-of.js";
import { isLoopback, listeningPorts } from "../listening-ports.js";

/** process: the app restarted inside its container; container: an Engine API restart; rebuild: built and recreated. */
export type RestartPath = "process" | "container" | "rebuild";

export interface RestartOutcome {
  service: string;
  seconds: number;
  path: RestartPath;
  /** Process reloads: the old process's exit code, as the supervisor reported it. */
  exitCode?: number;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Restarts one service and waits until it serves again. A code change reloads the app's process
 * in place when the container runs our supervisor (see render/supervisor.ts); otherwise the
 * container restarts through the Engine API (no compose process in the loop). A rebuild
 * (Dockerfile or dependency manifest changed) goes through compose: build, recreate.
 */
export async function restartService(
  ctx: DevContext,
  svc: ResolvedService,
  opts: { rebuild: boolean; env: ReadonlyMap<string, string>; container?: boolean; onLine?: (line: string) => void },
): Promise<RestartOutcome> {
  const started = performance.now();
  if (opts.rebuild) {
    await buildImages(ctx, [svc.name], { what: `building ${svc.name}`, onLine: opts.onLine });
    // -V: anonymous volumes (a node_modules kept from the image) come fresh from the new image.
    await runCompose(ctx, ["up", "-d", "--no-deps", "--renew-anon-volumes", svc.name], `recreating ${svc.name}`);
  }
  const containers = await ctx.engine.listContainers(ctx.name, { service: svc.name, all: true });
  if (containers.length === 0) {
    throw runtimeError("E_NO_CONTAINER", `${svc.name} has no container`, "start the stack with: dev up");
  }
  let path: RestartPath = opts.rebuild ? "rebuild" : "container";
  let exitCode: number | undefined;
  if (!opts.rebuild) {
    const tryProcess = !opts.container && reloadModeOf(svc) === "process";
    const codes = await Promise.all(
      containers.map(async (c) => {
        const code = tryProcess ? await reloadProcess(ctx, c, stopTimeoutOf(svc)) : undefined;
        if (code === undefined) await ctx.engine.restart(c.id, { timeoutSeconds: stopTimeoutOf(svc) });
        return code;
      }),
    );
    if (codes.every((c) => c !== undefined)) {
      path = "process";
      exitCode = codes.find((c) => c !== 0) ?? codes[0];
    }
  }
  await Promise.all(containers.map((c) => waitReady(ctx, svc, c, opts.env, path === "process")));
  return { service: svc.name, seconds: (performance.now() - started) / 1000, path, exitCode };
}

/**
 * Signals the supervisor and waits for its "reloaded" line; returns the old process's exit code,
 * or undefined when a process reload cannot be done here (the container is not running, e.g.
 * after a crash, or runs a command of someone else's) and the container must restart instead.
 */
async function reloadProcess(ctx: DevContext, c: ContainerInfo, graceSeconds: number): Promise<number | undefined> {
  const info = await ctx.engine.inspect(c.id);
  if (info.state !== "running" || !info.command?.some((a) => a.includes(SUPERVISOR_MARK))) return undefined;
  const controller = new AbortController();
  let attached!: () => void;
  const ready = new Promise<void>((r) => (attached = r));
  let code: number | undefined;
  const follow = ctx.engine.followLogs(
    c.id,
    (line) => {
      const m = RELOADED_LINE.exec(line);
      if (m && code === undefined) {
        code = Number(m[1]);
        controller.abort();
      }
    },
    controller.signal,
    { tail: 0, onAttached: attached },
  );
  // Lines are only seen once the stream is attached: the signal goes after that.
  await Promise.race([ready, follow]);
  const timer = setTimeout(() => controller.abort(), (graceSeconds + 30) * 1000);
  try {
    await ctx.engine.kill(c.id, RELOAD_SIGNAL);
    await follow;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (code !== undefined) return code;
  // The stream ended without the line: the container stopped (or never answered). The engine's
  // wait says why, with the last log lines.
  await waitFor(containerHealthy(ctx.engine, c.id), { timeoutMs: 1000 });
  throw runtimeError("E_UNHEALTHY", `${c.service} did not report its reload within ${graceSeconds + 30} s`, "see its logs: dev logs " + c.service);
}

/**
 * One container of `svc` ready again after a restart, as readinessOf says for a start (its port
 * answering, its healthcheck, Docker's word), asked throughout rather than backing off, and for a
 * service with a port: the container listening on another port first ends the wait saying so.
 * `inPlace`: after a process reload, where Docker's health is still the old process's.
 */
export async function waitReady(ctx: DevContext, svc: ResolvedService, c: ContainerInfo, env: ReadonlyMap<string, string>, inPlace = false): Promise<void> {
  const { readiness, port } = await readinessOf(ctx, c, env, { service: svc, inPlace, one: true });
  await waitFor(port ? firstOf(readiness, wrongPort(ctx, svc, c)) : readiness, { timeoutMs: READY_TIMEOUT_MS });
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

export { stopTimeoutOf } from "../../render/supervisor.js";
