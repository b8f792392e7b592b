import { unknownServiceError } from "../errors/stack-error.js";
import { readProjectEnv } from "../fs/read-env.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { buildProgress } from "./build-progress.js";
import { runHooks, servicesWithHooks } from "./hooks.js";
import { restartService } from "./restart/restart-service.js";
import { stopTimeoutOf } from "../render/supervisor.js";
import { restartStackService } from "./restart/restart-stack-service.js";
import { withServiceLocks } from "./service-lock.js";
import { assertKnownServices, knownServices } from "./service-names.js";
import { markStarted, markStopped } from "./stopped-services.js";
import { waitStackHealthy } from "./wait-stack.js";
import { startStack } from "./start-stack.js";
import { buildImages } from "./build-images.js";

/**
 * The daily operations on services, as `dev restart|stop|start|build` and the dashboard's buttons
 * run them: one implementation, so both do the same thing, and one lock per service (see
 * service-lock.ts), so an operation waits for another on the same service, from wherever it came.
 */

/** Who asks (shown to an operation that waits for this one): `dev` for the CLI, `dashboard`. */
export interface ActionOptions {
  by?: string;
}

/** The services an operation locks: the named ones, or every service of the stack when none is named (`dev stop`). */
export function servicesToLock(services: string[], known: string[]): string[] {
  return services.length ? services : known;
}

/** Holds the named services' locks for `fn`, saying once per service when another operation holds one. */
function locked<T>(ctx: DevContext, services: string[], action: string, log: (line: string) => void, opts: ActionOptions, fn: () => Promise<T>): Promise<T> {
  const what = `${opts.by ?? "dev"} ${action} ${services.join(" ")}`.trim();
  return withServiceLocks(ctx.project.root, servicesToLock(services, knownServices(ctx)), what, fn, { onWait: (service, holder) => log(`${service}: waiting for ${holder} to finish`) });
}

/** An Engine API restart of each service (never an in-place reload), waiting until each serves again; seconds per service. */
export async function restartServices(ctx: DevContext, services: string[], log: (line: string) => void, opts: ActionOptions = {}): Promise<void> {
  const apps = new Map(ctx.project.services.map((s) => [s.name, s]));
  const known = knownServices(ctx);
  const unknown = services.filter((s) => !known.includes(s));
  if (unknown.length) throw unknownServiceError(unknown, known);
  const env = await readProjectEnv(ctx.project.root);
  await locked(ctx, services, "restart", log, opts, () => Promise.all(
    services.map(async (name) => {
      const app = apps.get(name);
      const seconds = app ? (await restartService(ctx, app, { rebuild: false, env, container: true })).seconds : await restartStackService(ctx, name, env);
      log(`${name} restarted in ${seconds.toFixed(2)} s`);
    }),
  ));
}

/**
 * Stops services (with their stop grace period), keeping their containers. A service stopped this
 * way stays stopped: a running `dev up` neither restarts it on a save nor treats its exit as a
 * crash, until it is started through the tool.
 */
export async function stopServices(ctx: DevContext, services: string[], log: (line: string) => void, opts: ActionOptions = {}): Promise<void> {
  assertKnownServices(ctx, services);
  await locked(ctx, services, "stop", log, opts, async () => {
    // Recorded first: the watcher reads it when the stop's events arrive.
    if (services.length) await markStopped(ctx.project.root, services);
    await runCompose(ctx, ["stop", ...services], `stopping ${services.join(", ") || ctx.name}`);
  });
  log(services.length ? `stopped ${services.join(", ")} (dev start ${services.join(" ")} runs ${services.length > 1 ? "them" : "it"} again)` : `${ctx.name} stopped (dev up or dev start runs it again)`);
}

/**
 * Starts stopped services (creating missing containers) as dev up starts the stack: compose makes
 * what is missing and starts nothing, then each container starts once what it depends on is
 * ready by the same readiness (compose's own start would wait for Docker's next health interval
 * of each dependency). A host port taken meanwhile is not moved here: the error says how.
 */
export async function startServices(ctx: DevContext, services: string[], log: (line: string) => void, opts: ActionOptions = {}): Promise<void> {
  assertKnownServices(ctx, services);
  await locked(ctx, services, "start", log, opts, async () => {
    await runCompose(ctx, ["up", "--no-start", "--no-recreate", ...services], `starting ${services.join(", ") || ctx.name}`);
    await markStarted(ctx.project.root, services.length ? services : "all");
    await startStack(ctx, services, await readProjectEnv(ctx.project.root), log);
    await runHooks(ctx, servicesWithHooks(ctx, services), log);
  });
}

/** Builds images (progress shown); running services are recreated on the new image. */
export async function buildServices(ctx: DevContext, services: string[], log: (line: string) => void, opts: ActionOptions = {}): Promise<void> {
  assertKnownServices(ctx, services);
  await locked(ctx, services, "build", log, opts, () => buildLocked(ctx, services, log));
}

async function buildLocked(ctx: DevContext, services: string[], log: (line: string) => void): Promise<void> {
  const progress = buildProgress(log);
  try {
    await buildImages(ctx, services, { what: `building ${services.join(", ") || ctx.name}`, onLine: progress.onLine });
  } finally {
    progress.stop();
  }
  const running = [...new Set((await ctx.engine.listContainers(ctx.name)).map((c) => c.service))].filter((s) => services.length === 0 || services.includes(s));
  const built = ctx.project.services.filter((s) => s.preset && running.includes(s.name)).map((s) => s.name);
  if (built.length === 0) {
    log("built; nothing of it is running (dev up starts it)");
    return;
  }
  await runCompose(ctx, ["up", "-d", "--no-deps", ...built], `recreating ${built.join(", ")}`);
  await waitStackHealthy(ctx, built, log);
  log(`built and recreated ${built.join(", ")}`);
}

/**
 * Stops every running container of the stack at once, each with its own grace period (compose
 * stops dependents first, one level after another: a broker's clean shutdown then comes after
 * every app's). Containers are kept. Returns the seconds it took.
 */
export async function stopStackAtOnce(ctx: DevContext): Promise<number> {
  const started = performance.now();
  const apps = new Map(ctx.project.services.map((s) => [s.name, s]));
  const running = await ctx.engine.listContainers(ctx.name);
  await Promise.all(
    running.map((c) => {
      const app = apps.get(c.service);
      // A preset's service: its own stop_grace_period (a broker's clean shutdown takes seconds).
      return ctx.engine.stop(c.id, { timeoutSeconds: app ? stopTimeoutOf(app) : undefined });
    }),
  );
  return (performance.now() - started) / 1000;
}
