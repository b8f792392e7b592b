import { lstatSync, statSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "../engine/engine.js";
import { reportError } from "../errors/report-error.js";
import { isStackError, StackError } from "../errors/stack-error.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { syncProject } from "../plan/sync-project.js";
import { loadProject } from "../stack/load-project.js";
import { STACK_FILE } from "../stack/find-stack.js";
import { startWatcher, type FileChange } from "../watch/watcher.js";
import { watchIgnores } from "./watch-ignores.js";
import { mapChangesToServices, type RestartCause, type ServiceChange, type WatchedService } from "./restart/map-changes.js";
import { createRestartScheduler } from "./restart/restart-scheduler.js";
import { createSaveEchoes, looksMidWrite } from "./restart/save-echoes.js";
import { CrashMonitor } from "./crash-monitor.js";
import { runCompose, withProject, type DevContext } from "./dev-context.js";
import { buildImages } from "./build-images.js";
import { restartService, type RestartOutcome } from "./restart/restart-service.js";
import { readProjectEnv } from "../fs/read-env.js";
import { bringBack } from "./bring-back.js";
import { isPortTakenError } from "../engine/port-taken.js";
import { bringBackOnFreePorts } from "./move-taken-ports.js";
import { StackKeeper } from "./stack-keeper.js";
import { stackServices, type StackService } from "./stack-services.js";
import { readStoppedServices } from "./stopped-services.js";
import { withoutOwnWrites } from "./own-writes.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { otherLockHolder } from "../fs/project-lock.js";
import { serviceLockHolder } from "./service-lock.js";
import { StackPresence } from "./stack-presence.js";
import { restartCounter } from "./restart-counts.js";
import { buildProgress } from "./build-progress.js";
import { buildFailureKey } from "./compose-output.js";
import { servicesOnlyAdded } from "./services-only-added.js";
import { runHooks, servicesWithHooks } from "./hooks.js";
import { proxyReloadedLine, proxyRoutes, reloadProxyIfStale } from "./proxy-routes.js";

export interface WatchOutcome {
  /** The stack was stopped from elsewhere (dev down, dev stop of every service): nothing left to stop. */
  stoppedElsewhere: boolean;
}
import { reloadModeOf } from "../render/supervisor.js";
import { LAYER_FILES } from "../render/layer-files.js";
import { START_INTERVAL_FILE } from "../render/start-interval-layer.js";
import { WATCH_FILE } from "../render/watch-layer.js";
import { STATE_DIR } from "../fs/state-dir.js";
import type { DevEventSink, ReloadKind } from "./dev-events.js";

export interface WatchOptions {
  poll: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Told of each restart, reload, rebuild and crash (the dashboard, `dev status --json`). */
  events?: DevEventSink;
}

/**
 * create-stack's own files, which may lie in an adopted service's build context (build: .): our
 * writes to them (dev add, dev adopt) are no change of theirs to rebuild or restart for.
 */
const OWN_FILES = [STACK_FILE, `${STATE_DIR}/**`, ...Object.values(LAYER_FILES), START_INTERVAL_FILE, WATCH_FILE];

/** Which services watch what. A shared path (lib/, or a worker's shared code) feeds every user. */
export function watchedServices(services: ResolvedService[]): WatchedService[] {
  return services
    // An adopted image service with a mounted source (nginx and its conf.d) restarts on a change too.
    .filter((s) => ((s.preset || s.build) && s.path) || (s.adopted && s.watch.length > 0))
    .map((s) => ({
      name: s.name,
      paths: s.watch,
      rebuildOn: s.rebuildOn,
      reload: reloadModeOf(s) === "self",
      ...(s.adopted ? { restartPaths: s.restartPaths, ignore: OWN_FILES } : {}),
    }));
}

/**
 * The daily loop: file changes restart the services that use them (one restart in flight per
 * service, bursts coalesced); the whole stack is kept running (crashes, outside stops and
 * removals, the engine going away and coming back: see StackKeeper and CrashMonitor); a
 * stack.yaml edit is applied when valid and reported (keeping the running state) when not.
 * Resolves when `signal` aborts.
 */
export async function watchLoop(opened: DevContext, opts: WatchOptions): Promise<WatchOutcome> {
  // Follows stack.yaml: a valid save gives the loop a context for the project as it now is.
  let ctx = opened;
  const { log } = opts;
  const root = ctx.project.root;
  let services = ctx.project.services;
  let stack = stackServices(ctx.project);
  let watched = watchedServices(services);
  const stoppedOnPurpose = (name: string) => readStoppedServices(root).has(name);

  const done = new AbortController();
  opts.signal.addEventListener("abort", () => done.abort(), { once: true });
  let inFlight = 0;
  // A stack.yaml apply and a service's restart never run compose at once: both could create the
  // same container (a service added while it is saved), and the second would find its name taken.
  // An apply waits for the restarts in flight; a restart waits for the apply.
  let applyRunning: Promise<void> | undefined;
  const whenIdle: (() => void)[] = [];
  const restartsDone = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve)));
  let stoppedElsewhere = false;
  // Everything stopped on purpose through the tool (`dev down` in another terminal, `dev stop` of
  // each service): this watcher has nothing left to look after. Anything else that stops the
  // whole stack (docker stop, the engine going away) is brought back by the keeper instead.
  const presence = new StackPresence({
    countRunning: async () => {
      const stopped = readStoppedServices(root);
      if (!stack.filter((s) => s.profiles.length === 0).every((s) => stopped.has(s.name))) return 1;
      return (await ctx.engine.listContainers(ctx.name)).length;
    },
    busy: () => inFlight > 0,
    onGone: () => {
      stoppedElsewhere = true;
      log(`${ctx.name} was stopped from elsewhere (dev down or dev stop): this watcher stops too; dev up starts it again`);
      done.abort();
    },
  });
  const countRestart = restartCounter(root);
  // The proxy serves the routes on disk: checked (one GET) after every apply, restart or start,
  // and reloaded when they differ (a `dev add` whose build failed wrote a config nothing reloaded;
  // the fix saved later starts the service). The reload runs under the project lock (a `dev add`
  // reloads it too) and compares with stack.yaml as it is then. One check at a time.
  // (Under the lock already, an apply checks at once: queued behind a check waiting for the lock
  // it holds, it would wait forever.)
  const checkProxyRoutes = async (locked: boolean): Promise<void> => {
    try {
      if (done.signal.aborted || (!locked && stackBroken) || !(await proxyRoutes(ctx))?.stale) return;
      const reload = async () => {
        const reloaded = await reloadProxyIfStale(withProject(ctx, loadProject(root)));
        if (reloaded) log(proxyReloadedLine(reloaded));
      };
      if (locked) await reload();
      else await withProjectWrite(root, "dev up (reloading the proxy)", reload, { onWait: () => undefined, signal: done.signal });
    } catch (err) {
      if (!done.signal.aborted) log(reportError(err).text);
    }
  };
  let proxyCheck = Promise.resolve();
  const syncProxyRoutes = (): Promise<void> => (proxyCheck = proxyCheck.then(() => checkProxyRoutes(false)));
  // Services sharing a folder (api and its worker) fail the same build: print it once.
  const shownBuilds = new Map<string, { output: string; service: string }>();
  const reportBuildFailure = (svc: ResolvedService, err: StackError) => {
    const key = svc.path ?? svc.name;
    const output = buildFailureKey(err.details, svc.name);
    const shown = shownBuilds.get(key);
    if (shown && shown.output === output && shown.service !== svc.name) {
      log(`${svc.name}: the same build failure as ${shown.service} (shared folder ${key}); save a fix to rebuild both`);
      return;
    }
    shownBuilds.set(key, { output, service: svc.name });
    log(reportError(new StackError({ code: err.code, message: err.message, details: err.details, exitCode: 1, hint: `save a fix (${key}/Dockerfile, its dependency files) and ${svc.name} is rebuilt; the running container is kept until then` })).text);
  };

  const crashes: CrashMonitor = new CrashMonitor({
    engine: ctx.engine,
    project: ctx.name,
    log,
    restart: (name, cause) => void keeper.bringBack(name, cause).catch((err: unknown) => log(reportError(err).text)),
    watches: (name): boolean => keeper.looksAfter(name),
    stoppedOnPurpose,
    hasSources: (name) => watched.some((w) => w.name === name),
    // dockerd shutting down: it stops every container before its event stream drops.
    onEngineLeaving: () => engineGone(),
    onEngineStayed: () => engineBack(),
    commandElsewhere: (service) => otherLockHolder(root) ?? serviceLockHolder(root, service),
    onCrash: (c) => opts.events?.record({ type: "crash", at: new Date().toISOString(), ...c }),
  });
  const keeper: StackKeeper = new StackKeeper({
    engine: ctx.engine,
    project: ctx.name,
    services: () => stack,
    push: (name, change) => scheduler.push(name, change),
    log,
    stoppedOnPurpose,
    waiting: (name): boolean => crashes.waiting(name),
  });

  // The second half of an in-place save reported after its run began is no news (see save-echoes).
  const echoes = createSaveEchoes((path) => fileStamp(join(root, path)));
  const scheduler = createRestartScheduler({
    // An editor's save (write, rename) lands within a few ms: 30 ms gathers it and adds little
    // to the restart itself (see bench/up-bench.mjs).
    debounceMs: 30,
    // A checkout or a generator writes in batches with pauses; after one, a second of quiet is
    // not noticed, a second restart would be.
    burstDebounceMs: 1000,
    run: async (name, change) => {
      // After an apply in progress: the service as the new stack.yaml has it.
      while (applyRunning) await applyRunning;
      const svc = stack.find((s) => s.name === name);
      if (!svc || done.signal.aborted) return true;
      if (stoppedOnPurpose(name)) {
        if (change.files.length) log(`${name} is stopped (dev stop ${name}): not restarting it; dev start ${name} runs it again`);
        return true;
      }
      crashes.expectRestart(name);
      echoes.started(name, change.files);
      inFlight++;
      let ok = false;
      const progress = change.rebuild ? buildProgress(log) : undefined;
      const savedAt = newestChange(root, change.files);
      const started = Date.now();
      const report = (kind: ReloadKind | undefined, error?: string) => {
        if (!opts.events || kind === undefined) return;
        const at = Date.now();
        opts.events.record({
          type: "reload",
          service: name,
          at: new Date(at).toISOString(),
          kind,
          files: change.files,
          cause: change.cause,
          latencyMs: savedAt !== undefined ? Math.max(0, at - savedAt) : undefined,
          restartMs: at - started,
          ok: error === undefined,
          error,
        });
      };
      try {
        const out = await restartOrBringBack(ctx, svc, change, await readProjectEnv(root), progress?.onLine).catch(async (err: unknown) => {
          // Another program took its host port while it was down: moved, as `dev up` does at start.
          if (!isPortTakenError(err)) throw err;
          const back = await bringBackOnFreePorts(ctx, svc, err, log, done.signal);
          return { line: `${svc.name} recreated in ${back.seconds.toFixed(2)} s on a free host port${change.cause ? ` (${CAUSES[change.cause]})` : ""}`, kind: "recreate" as const };
        });
        // `dev down` or `dev stop` from another terminal may have landed while this ran (it asked
        // before starting): what it started would outlive the stop, and a stack that was taken
        // down would keep running. Stopped again here, while its stop is still ours.
        if (stoppedOnPurpose(name)) {
          await stopAgain(ctx, name);
          log(`${name} was stopped on purpose while it restarted: stopped again`);
          return true;
        }
        if (out.line && !change.quiet) log(out.line);
        report(out.kind);
        ok = true;
        // A new or started container may be what the proxy's last reload missed (a `dev add`
        // whose build failed); a process reload or a restart of a running container changes
        // nothing the proxy routes, and saves come many times a minute.
        if (out.kind === "rebuild" || out.kind === "recreate" || out.started) void syncProxyRoutes();
        countRestart(name);
        if (change.rebuild && svc.app) shownBuilds.delete(svc.app.path ?? name);
      } catch (err) {
        // The engine went away meanwhile: its return brings the stack back as a whole.
        if (await engineAway(ctx)) return false;
        report(change.rebuild ? "rebuild" : svc.app && !change.cause ? "container" : "recreate", reportError(err).text.split("\n")[0]);
        if (isStackError(err) && err.code === "E_UNHEALTHY") crashes.failedRestart(name, err.message);
        else if (isStackError(err) && err.code === "E_BUILD" && svc.app) reportBuildFailure(svc.app, err);
        else log(reportError(err).text);
      } finally {
        echoes.ended(name);
        progress?.stop();
        if (--inFlight === 0) whenIdle.splice(0).forEach((resolve) => resolve());
        crashes.restartDone(name, ok);
      }
      // A new container: its hooks (migrations) run again. Outside the restart: a stack stopped
      // meanwhile is noticed even while a hook still runs.
      if (ok && change.rebuild && !done.signal.aborted) await runHooks(ctx, servicesWithHooks(ctx, [name]), log).catch((err: unknown) => log(reportError(err).text));
      return ok;
    },
  });

  // One apply at a time (applyRunning, above); saves that arrive meanwhile are coalesced into one
  // more apply after it.
  // .env as compose last applied it, and whether that apply succeeded (the stack as dev up started it, at first).
  let appliedEnv: ReadonlyMap<string, string> = await readProjectEnv(root);
  let lastUpOk = true;
  let again = false;
  let stackBroken = false;
  const onStackChange = async () => {
    if (applyRunning) {
      again = true;
      return;
    }
    let applied!: () => void;
    applyRunning = new Promise<void>((resolve) => (applied = resolve));
    try {
      await restartsDone();
      do {
        again = false;
        await applyStack();
      } while (again && !opts.signal.aborted);
    } finally {
      applyRunning = undefined;
      applied();
    }
  };

  // Under the project lock: a `dev add` that is starting its service finishes first, and the
  // apply after it finds that service up to date instead of starting it a second time.
  const applyStack = () =>
    withProjectWrite(
      ctx.project.root,
      "dev up (applying stack.yaml)",
      async () => {
        let sync;
        let next;
        try {
          next = loadProject(ctx.project.root);
          sync = await syncProject(next);
        } catch (err) {
          stackBroken = true;
          log(`${reportError(err).text}\n  (still running the previous stack.yaml; fix it and save again)`);
          return;
        }
        if (stackBroken) log("stack.yaml is valid again: applying it");
        stackBroken = false;
        const onlyAdded = servicesOnlyAdded(ctx.project, next);
        ctx = withProject(ctx, next);
        services = next.services;
        const had = new Set(stack.map((s) => s.name));
        stack = stackServices(next);
        const before = watched.map((w) => w.name).join(", ");
        watched = watchedServices(services);
        if (sync.written.length) log(`stack.yaml changed: updated ${sync.written.join(", ")}`);
        const now = watched.map((w) => w.name).join(", ");
        if (now !== before) log(`watching ${now || "nothing"}`);
        // Services stopped on purpose stay stopped: name the others when there are some.
        const stopped = readStoppedServices(root);
        const only = stopped.size ? stack.filter((s) => s.profiles.length === 0 && !stopped.has(s.name)).map((s) => s.name) : [];
        // A service new to the stack is built on its own first: `up` would build it without
        // --force-rm, and a failed build would leave its container behind.
        const added = stack.filter((s) => !had.has(s.name) && (only.length === 0 || only.includes(s.name))).map((s) => s.name);
        try {
          // One that `dev add` has built and started already (it holds the lock until then) is
          // not built a second time: compose's `up` finds it up to date.
          const running = added.length ? new Set((await ctx.engine.listContainers(ctx.name)).map((c) => c.service)) : new Set<string>();
          const toBuild = added.filter((name) => !running.has(name));
          const env = await readProjectEnv(root);
          // New services only, each already running (as `dev add` left it), the rest of the files
          // and .env as compose last applied them: compose would find nothing to do.
          const upToDate = lastUpOk && onlyAdded !== undefined && onlyAdded.every((name) => running.has(name)) && [...appliedEnv].every(([k, v]) => env.get(k) === v);
          if (!upToDate) {
            lastUpOk = false;
            if (toBuild.length) await buildImages(ctx, toBuild, { what: `building ${toBuild.join(", ")}` });
            await crashes.ownCompose(runCompose(ctx, ["up", "-d", "--remove-orphans", ...only], "applying stack.yaml"));
            lastUpOk = true;
          }
          appliedEnv = env;
          log(`stack.yaml applied: ${services.length} service${services.length === 1 ? "" : "s"}`);
        } catch (err) {
          // stack.yaml is valid and the files follow it: what failed is starting a container.
          log(`${reportError(err).text}\n  (stack.yaml is applied to the files; the services compose names above are not running as configured)`);
        }
        await checkProxyRoutes(true);
      },
      { onWait: (holder) => log(`stack.yaml changed: applying it once ${holder} is done`), signal: opts.signal },
    ).catch((err: unknown) => {
      if (!opts.signal.aborted) log(reportError(err).text);
    });

  const onChanges = (all: FileChange[]) => {
    // A new folder is no code change itself, but says more files are coming (a checkout, a
    // generator): the services under it wait for the burst to settle before restarting.
    const folders = all.filter((c) => c.kind === "create" && isDirectory(join(root, c.path)));
    const changes = withoutOwnWrites(root, all.filter((c) => !folders.includes(c)));
    if (all.some((c) => c.path === STACK_FILE)) void onStackChange();
    for (const name of mapChangesToServices(folders, watched).keys()) void scheduler.push(name, { files: [], rebuild: false, burst: true });
    for (const w of watched) {
      const fresh = echoes.fresh(w.name, changes);
      const change = mapChangesToServices(fresh, [w]).get(w.name);
      if (!change) continue;
      // Emptied by the first half of an in-place save: the rest is coming.
      if (looksMidWrite(fresh, (path) => fileSize(join(root, path)))) change.burst = true;
      crashes.codeChanged(w.name);
      void scheduler.push(w.name, change);
    }
  };

  await keeper.start();
  const watcher = await startWatcher({ root, ignore: watchIgnores(ctx.project), onChanges, poll: opts.poll });
  if (watcher.backend === "polling") log("watching by polling (no native file events here): changes show up within a second");
  log(`watching ${watched.map((w) => w.name).join(", ") || "nothing (no service has sources)"}; Ctrl-C to stop`);
  void syncProxyRoutes();

  // While the engine is away nothing can be restarted; once it is back, whatever it stopped
  // meanwhile sent no event: the keeper re-lists and brings the whole stack back, in order.
  let away = false;
  const engineGone = () => {
    if (!away) log("engine unreachable: waiting for it to come back");
    away = true;
  };
  const engineBack = () => {
    away = false;
    void keeper.engineBack().catch((err: unknown) => log(reportError(err).text));
  };
  const events = ctx.engine.events(
    ctx.name,
    (e: EngineEvent) => {
      presence.onEvent(e);
      keeper.onEvent(e);
      crashes.onEvent(e);
    },
    done.signal,
    () => {
      crashes.resume();
      engineBack();
    },
    () => {
      crashes.pause();
      engineGone();
    },
  );
  if (!done.signal.aborted) await new Promise<void>((resolve) => done.signal.addEventListener("abort", () => resolve(), { once: true }));
  await watcher.close();
  scheduler.close();
  // A restart or rebuild in flight ends first: one that finished after the stack was stopped
  // (Ctrl-C) would leave its service running.
  await scheduler.idle();
  await proxyCheck;
  crashes.close();
  keeper.close();
  presence.close();
  await events.catch(() => undefined);
  return { stoppedElsewhere };
}

const CAUSES: Record<RestartCause, string> = {
  crash: "after a crash",
  outside: "after it was stopped from outside",
  removed: "its container was removed",
  engine: "the engine came back",
  dependency: "it did not recover after a dependency restarted",
};

/**
 * A file change restarts the running container (Engine API, or a rebuild); a service that is
 * down, or whose container is gone, is brought back. Returns the line to print, if any.
 */
async function restartOrBringBack(ctx: DevContext, svc: StackService, change: ServiceChange, env: ReadonlyMap<string, string>, onLine?: (line: string) => void): Promise<{ line?: string; kind?: ReloadKind; started?: boolean }> {
  const files = `${change.files.length} file${change.files.length === 1 ? "" : "s"}`;
  if (svc.app && !change.cause) {
    try {
      const out = await restartService(ctx, svc.app, { rebuild: change.rebuild, env, onLine });
      return { line: `${svc.name} ${describePath(out)} in ${out.seconds.toFixed(2)} s (${files})`, kind: out.path };
    } catch (err) {
      if (!(isStackError(err) && err.code === "E_NO_CONTAINER")) throw err;
    }
    const back = await bringBack(ctx, svc, env);
    return { line: `${svc.name} recreated in ${back.seconds.toFixed(2)} s (${files}; its container was gone)`, kind: "recreate" };
  }
  const back = await bringBack(ctx, svc, env, { restartRunning: change.cause === "dependency" });
  if (back.how === "running") return {};
  return {
    line: `${svc.name} ${back.how === "recreated" ? "recreated" : "restarted"} in ${back.seconds.toFixed(2)} s (${CAUSES[change.cause ?? "crash"]})`,
    kind: back.how === "recreated" ? "recreate" : "container",
    started: true,
  };
}

/** When the newest of the saved files was written (ms since the epoch); undefined without files. */
function newestChange(root: string, files: string[]): number | undefined {
  let newest: number | undefined;
  for (const f of files) {
    try {
      const t = statSync(join(root, f)).mtimeMs;
      if (newest === undefined || t > newest) newest = t;
    } catch {
      // deleted: its deletion time is not known; the others still say when the save was
    }
  }
  // A file list of deletions only: the restart started when they were seen.
  return newest ?? (files.length ? Date.now() : undefined);
}

/** Stops the service's running containers (a stop through the tool came during its restart). */
async function stopAgain(ctx: DevContext, service: string): Promise<void> {
  for (const c of await ctx.engine.listContainers(ctx.name, { service })) {
    await ctx.engine.stop(c.id, { timeoutSeconds: 10 }).catch(() => undefined);
  }
}

async function engineAway(ctx: DevContext): Promise<boolean> {
  return ctx.engine.ping().then(
    () => false,
    () => true,
  );
}

/** reloaded: the process, in place; restarted: the container; rebuilt: image and container. */
function describePath(out: RestartOutcome): string {
  if (out.path === "rebuild") return "rebuilt and restarted";
  if (out.path === "container") return "restarted";
  // 137: the old process outlived its stop grace period and was killed.
  return out.exitCode === 137 ? "reloaded (the old process was killed after its grace period)" : "reloaded";
}

function fileStamp(path: string): string | undefined {
  try {
    const s = lstatSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return undefined;
  }
}

function fileSize(path: string): number | undefined {
  try {
    return lstatSync(path).size;
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
