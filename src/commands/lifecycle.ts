import { composeBuildArgs, openDev, runCompose } from "../dev/dev-context.js";
import { buildProgress } from "../dev/build-progress.js";
import { assertKnownServices } from "../dev/service-names.js";
import { markStarted, markStopped } from "../dev/stopped-services.js";
import { waitStackHealthy } from "../dev/wait-stack.js";
import { runHooks, servicesWithHooks } from "../dev/hooks.js";

const log = (line: string) => process.stdout.write(line + "\n");

/**
 * `dev stop [SERVICE...]`: stops services (with their stop grace period), keeping their
 * containers. A service stopped this way stays stopped: a running `dev up` neither restarts it on
 * a save nor treats its exit as a crash, until `dev start`.
 */
export async function stop(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  assertKnownServices(ctx, args.services);
  // Recorded first: the watcher reads it when the stop's events arrive.
  if (args.services.length) await markStopped(ctx.project.root, args.services);
  await runCompose(ctx, ["stop", ...args.services], `stopping ${args.services.join(", ") || ctx.name}`);
  log(args.services.length ? `stopped ${args.services.join(", ")} (dev start ${args.services.join(" ")} runs ${args.services.length > 1 ? "them" : "it"} again)` : `${ctx.name} stopped (dev up or dev start runs it again)`);
}

/** `dev start [SERVICE...]`: starts stopped services (creating missing containers), waits for health. */
export async function start(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  assertKnownServices(ctx, args.services);
  await runCompose(ctx, ["up", "-d", "--no-recreate", ...args.services], `starting ${args.services.join(", ") || ctx.name}`);
  await markStarted(ctx.project.root, args.services.length ? args.services : "all");
  await waitStackHealthy(ctx, args.services, log);
  await runHooks(ctx, servicesWithHooks(ctx, args.services), log);
}

/** `dev build [SERVICE...]`: builds images (progress shown); running services are recreated on the new image. */
export async function build(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  assertKnownServices(ctx, args.services);
  const progress = buildProgress(log);
  try {
    await runCompose(ctx, composeBuildArgs(args.services), `building ${args.services.join(", ") || ctx.name}`, { code: "E_BUILD", onLine: progress.onLine });
  } finally {
    progress.stop();
  }
  const running = [...new Set((await ctx.engine.listContainers(ctx.name)).map((c) => c.service))].filter((s) => args.services.length === 0 || args.services.includes(s));
  const built = ctx.project.services.filter((s) => s.preset && running.includes(s.name)).map((s) => s.name);
  if (built.length === 0) {
    log("built; nothing of it is running (dev up starts it)");
    return;
  }
  await runCompose(ctx, ["up", "-d", "--no-deps", ...built], `recreating ${built.join(", ")}`);
  await waitStackHealthy(ctx, built, log);
  log(`built and recreated ${built.join(", ")}`);
}
