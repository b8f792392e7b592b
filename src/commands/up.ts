import { unknownServiceError } from "../errors/stack-error.js";
import { presetServiceNames } from "../presets/preset-services.js";
import { syncProject } from "../plan/sync-project.js";
import { movePortsTaken, portKeys } from "../dev/check-ports.js";
import { openDev, type DevContext, withProject } from "../dev/dev-context.js";
import { formatTable, serviceRows } from "../dev/service-table.js";
import { createStack } from "../dev/start-stack.js";
import { startOnFreePorts } from "../dev/move-taken-ports.js";
import { watchLoop } from "../dev/watch-loop.js";
import { stopStackAtOnce } from "../dev/service-actions.js";
import { markStarted } from "../dev/stopped-services.js";
import { readProjectEnv } from "../fs/read-env.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { loadProject } from "../stack/load-project.js";
import { alreadyUpError, claimDevUp, readDevUp } from "../dev/dev-up-record.js";
import { buildProgress } from "../dev/build-progress.js";
import { runHooks, servicesWithHooks } from "../dev/hooks.js";
import { resetRestartCounts } from "../dev/restart-counts.js";
import { reportError } from "../errors/report-error.js";
import { findStackRoot } from "../stack/find-stack.js";
import { detectComposeSupport } from "../engine/compose-support.js";
import { DevEventRecord } from "../dev/dev-events.js";
import { StepTimer } from "../dev/step-timer.js";
import { startDashboard, type Dashboard } from "../dashboard/dashboard-server.js";
import { recordDashboard } from "../dashboard/dashboard-record.js";

export interface UpArgs {
  C: string;
  services: string[];
  watch: boolean;
  detach: boolean;
  poll: boolean;
  /** The dashboard (--no-ui: none). */
  ui: boolean;
  /** Print where the start's time went, step by step. */
  timings?: boolean;
}

const log = (line: string) => process.stdout.write(line + "\n");

export async function up(args: UpArgs): Promise<void> {
  const timer = new StepTimer();
  timer.mark("node start");
  // A write a killed command left half-done is completed first: stack.yaml may be part of it.
  await withProjectWrite(findStackRoot(args.C), "dev up", async () => undefined);
  timer.mark("recovery check");
  const ctx = await openDev(args.C);
  timer.mark("engine ping");
  const known = new Set([...ctx.project.services.map((s) => s.name), ...presetServiceNames(ctx.project.parsed.config.presets, ctx.project.presets)]);
  const unknown = args.services.filter((s) => !known.has(s));
  if (unknown.length) {
    throw unknownServiceError(unknown, known);
  }

  // One dev up per project: a second one would restart every save twice.
  const other = await readDevUp(ctx.project.root);
  if (other) throw alreadyUpError(other);
  const release = args.watch ? await claimDevUp(ctx.project.root, args.services) : () => undefined;
  try {
    await upAndWatch(ctx, args, timer);
  } finally {
    release();
  }
}

async function upAndWatch(opened: DevContext, args: UpArgs, timer: StepTimer): Promise<void> {
  let ctx = opened;
  let t0 = performance.now();
  // What plain compose here understands of the optional layers (compose or the engine may have
  // changed since create): asked while the lock is being taken, not inside it.
  const composeSupport = detectComposeSupport(() => opened.compose(), opened.engine);
  // Under the project lock: stack.yaml is re-read, the files synced and ports moved as one
  // write, and the containers created before another command may change the project.
  await withProjectWrite(ctx.project.root, "dev up (starting the stack)", async () => {
    timer.mark("project lock");
    ctx = withProject(ctx, loadProject(ctx.project.root));
    const support = await composeSupport;
    timer.mark("compose check");
    const sync = await syncProject(ctx.project, { composeSupport: support });
    timer.mark("sync");
    if (sync.written.length) log(`updated from stack.yaml: ${sync.written.join(", ")}`);
    for (const note of sync.plan.notes) log(note);
    const own = await ctx.engine.listContainers(ctx.name);
    const ownPorts = new Set(own.flatMap((c) => c.ports.map((p) => p.hostPort).filter((p): p is number => p !== undefined)));
    for (const moved of await movePortsTaken(ctx.project.root, portKeys(ctx.project), ownPorts)) log(moved);
    timer.mark("ports");
    log(`starting ${ctx.name} (${(await ctx.compose()).command.join(" ")})...`);
    t0 = performance.now();
    const progress = buildProgress(log);
    try {
      const built = await createStack(ctx, args.services, progress.onLine, () => timer.mark("compose build"));
      log(built.length ? `built ${built.join(", ")}` : "images up to date (nothing to build)");
      timer.mark("compose create");
    } finally {
      progress.stop();
    }
  });
  // Started through the tool: whatever `dev stop` or `dev down` recorded for them is over.
  await markStarted(ctx.project.root, args.services.length ? args.services : "all");
  if (args.services.length === 0) await resetRestartCounts(ctx.project.root);
  timer.mark("state records");
  // A host port another program took since the check above is moved, as there.
  await startOnFreePorts(ctx, args.services, log);
  timer.mark("start and readiness");
  try {
    await runHooks(ctx, servicesWithHooks(ctx, args.services), log);
  } catch (err) {
    // The stack runs; watching goes on. Without watching, the failure is the command's result.
    if (!args.watch) throw err;
    log(reportError(err).text);
  }
  timer.mark("hooks");
  log(`${ctx.name} is up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (args.timings) log(`timings: ${timer.summary()}\n`);
  log(formatTable(serviceRows(ctx.project, await ctx.engine.listContainers(ctx.name), await readProjectEnv(ctx.project.root))));
  if (!args.watch) return;

  log("");
  const events = new DevEventRecord(ctx.project.root);
  await events.reset();
  let dashboard: Dashboard | undefined;
  if (args.ui) {
    try {
      dashboard = await startDashboard({ ctx: () => ctx, events });
      await recordDashboard(ctx.project.root, dashboard.url);
      log(`dashboard: ${dashboard.url}`);
    } catch (err) {
      log(`dashboard not started: ${reportError(err).text}`);
    }
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts > 1) {
      log("forced exit; the stack is left as it is");
      process.exit(130);
    }
    log(args.detach ? "\nstopping the watcher; the stack keeps running (dev down stops it)" : "\nstopping the watcher and the stack (Ctrl-C again to force)");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The handler stays until the stack is stopped: a second Ctrl-C during the stop forces the exit.
  try {
    const outcome = await watchLoop(ctx, { poll: args.poll, signal: controller.signal, log, events });
    await dashboard?.close();
    dashboard = undefined;
    if (!args.detach && !outcome.stoppedElsewhere) {
      const seconds = await stopStackAtOnce(ctx);
      log(`${ctx.name} stopped (containers kept for a quick restart; dev down removes them), in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await dashboard?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

