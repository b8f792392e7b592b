import { statSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "../engine/engine.js";
import { reportError } from "../errors/report-error.js";
import { isStackError, StackError } from "../errors/stack-error.js";
import { buildProgress } from "./build-progress.js";
import { runHooks, servicesWithHooks } from "./hooks.js";
import { restartCounter } from "./restart-counts.js";
import type { ResolvedService } from "../plan/resolve-services.js";
import { syncProject } from "../plan/sync-project.js";
import { loadProject } from "../stack/load-project.js";
import { STACK_FILE } from "../stack/find-stack.js";
import { startWatcher, type FileChange } from "../watch/watcher.js";
import { watchIgnores } from "./watch-ignores.js";
import { mapChangesToServices, type WatchedService } from "./restart/map-changes.js";
import { createRestartScheduler } from "./restart/restart-scheduler.js";
import { CrashMonitor } from "./crash-monitor.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { restartService } from "./restart-service.js";
import { readProjectEnv } from "../fs/read-env.js";
import { StackPresence } from "./stack-presence.js";
import { readStoppedServices } from "./stopped-services.js";

export interface WatchOptions {
  poll: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface WatchOutcome {
  /** The stack was stopped from elsewhere (dev down, dev stop, compose): nothing left to stop. */
  stoppedElsewhere: boolean;
}

const MANIFESTS = ["Dockerfile", "requirements.txt", "pyproject.toml", "package.json", "package-lock.json", "poetry.lock"];

/** Which services watch what. A shared path (lib/, or a worker's shared code) feeds every user. */
export function watchedServices(services: ResolvedService[]): WatchedService[] {
  return services
    .filter((s) => s.preset && s.path)
    .map((s) => ({
      name: s.name,
      paths: s.watch,
      rebuildFiles: MANIFESTS.map((m) => `${s.path}/${m}`),
      reload: s.reload,
    }));
}

/**
 * The daily loop: file changes restart the services that use them (one restart in flight per
 * service, bursts coalesced), crashes are restarted with backoff, and a stack.yaml edit is applied
 * when valid and reported (keeping the running state) when not. Resolves when `signal` aborts.
 */
export async function watchLoop(ctx: DevContext, opts: WatchOptions): Promise<WatchOutcome> {
  const { log } = opts;
  const done = new AbortController();
  opts.signal.addEventListener("abort", () => done.abort(), { once: true });
  let inFlight = 0;
  let stoppedElsewhere = false;
  const presence = new StackPresence({
    countRunning: async () => (await ctx.engine.listContainers(ctx.name)).length,
    busy: () => inFlight > 0,
    onGone: () => {
      stoppedElsewhere = true;
      log(`${ctx.name} was stopped from elsewhere (dev down, dev stop or compose): this watcher stops too; dev up starts it again`);
      done.abort();
    },
  });
  const told = new Set<string>();
  const countRestart = restartCounter(ctx.project.root);
  // Services sharing a folder (api and its worker) fail the same build: print it once.
  const shownBuilds = new Map<string, { output: string; service: string }>();
  const reportBuildFailure = (svc: ResolvedService, err: StackError) => {
    const key = svc.path ?? svc.name;
    const output = err.details.join("\n");
    const shown = shownBuilds.get(key);
    if (shown && shown.output === output && shown.service !== svc.name) {
      log(`${svc.name}: the same build failure as ${shown.service} (shared folder ${key}); save a fix to rebuild both`);
      return;
    }
    shownBuilds.set(key, { output, service: svc.name });
    log(reportError(new StackError({ code: err.code, message: err.message, details: err.details, exitCode: 1, hint: `save a fix (${key}/Dockerfile, its dependency files) and ${svc.name} is rebuilt; the running container is kept until then` })).text);
  };
  let services = ctx.project.services;
  let watched = watchedServices(services);
  const crashes = new CrashMonitor(ctx, {
    log,
    restart: (name) => scheduler.push(name, { files: [], rebuild: false }),
    watches: (name) => services.some((s) => s.name === name && s.preset !== undefined),
  });

  const scheduler = createRestartScheduler({
    // An editor's save (write, rename) lands within a few ms: 30 ms gathers it and adds little
    // to the restart itself (see bench/up-bench.mjs).
    debounceMs: 30,
    // A checkout or a generator writes in batches with pauses; after one, a second of quiet is
    // not noticed, a second restart would be.
    burstDebounceMs: 1000,
    run: async (name, change) => {
      const svc = services.find((s) => s.name === name);
      if (!svc || done.signal.aborted) return;
      if ((await readStoppedServices(ctx.project.root)).has(name)) {
        if (!told.has(name)) log(`${name} is stopped (dev stop ${name}): not restarting it; dev start ${name} runs it again`);
        told.add(name);
        return;
      }
      told.delete(name);
      crashes.expectRestart(name);
      inFlight++;
      let ok = false;
      const progress = change.rebuild ? buildProgress(log) : undefined;
      try {
        const out = await restartService(ctx, svc, { rebuild: change.rebuild, env: await readProjectEnv(ctx.project.root), onLine: progress?.onLine });
        const what = change.files.length ? ` (${change.files.length} file${change.files.length === 1 ? "" : "s"})` : " (after a crash)";
        log(`${name} ${out.rebuilt ? "rebuilt and restarted" : "restarted"} in ${out.seconds.toFixed(2)} s${what}`);
        ok = true;
        countRestart(name);
        if (change.rebuild) shownBuilds.delete(svc.path ?? svc.name);
      } catch (err) {
        if (isStackError(err) && err.code === "E_UNHEALTHY") crashes.failedRestart(name, err.message);
        else if (isStackError(err) && err.code === "E_BUILD") reportBuildFailure(svc, err);
        else if (isStackError(err) && err.code === "E_NO_CONTAINER") log(`${name} has no container (removed from elsewhere): not restarting it; dev up ${name} creates it again`);
        else log(reportError(err).text);
      } finally {
        progress?.stop();
        inFlight--;
        crashes.restartDone(name, ok);
      }
      // A new container: its hooks (migrations) run again. Outside the restart: a stack stopped
      // meanwhile is noticed even while a hook still runs.
      if (ok && change.rebuild && !done.signal.aborted) await runHooks(ctx, servicesWithHooks(ctx, [name]), log).catch((err) => log(reportError(err).text));
    },
  });

  let stackBroken = false;
  const onStackChange = async () => {
    try {
      const next = loadProject(ctx.project.root);
      const sync = await syncProject(next);
      ctx.project = next;
      services = next.services;
      watched = watchedServices(services);
      if (stackBroken) log("stack.yaml is valid again: applying it");
      stackBroken = false;
      if (sync.written.length) log(`stack.yaml changed: updated ${sync.written.join(", ")}`);
      await runCompose(ctx, ["up", "-d", "--remove-orphans"], "applying stack.yaml");
    } catch (err) {
      stackBroken = true;
      log(`${reportError(err).text}\n  (still running the previous stack.yaml; fix it and save again)`);
    }
  };

  const onChanges = (all: FileChange[]) => {
    // A new folder is no code change itself, but says more files are coming (a checkout, a
    // generator): the services under it wait for the burst to settle before restarting.
    const folders = all.filter((c) => c.kind === "create" && isDirectory(join(ctx.project.root, c.path)));
    const changes = all.filter((c) => !folders.includes(c));
    if (changes.some((c) => c.path === STACK_FILE)) void onStackChange();
    for (const name of mapChangesToServices(folders, watched).keys()) scheduler.push(name, { files: [], rebuild: false, burst: true });
    for (const [name, change] of mapChangesToServices(changes, watched)) {
      crashes.codeChanged(name);
      scheduler.push(name, change);
    }
  };

  const watcher = await startWatcher({ root: ctx.project.root, ignore: watchIgnores(ctx.project), onChanges, poll: opts.poll });
  if (watcher.backend === "polling") log("watching by polling (no native file events here): changes show up within a second");
  log(`watching ${watched.map((w) => w.name).join(", ") || "nothing (no service has sources)"}; Ctrl-C to stop`);

  // After the engine's event stream drops (a daemon restart), what died meanwhile sent no event:
  // re-list and treat exited services as crashed.
  const relist = async () => {
    log("engine event stream reconnected; checking the services");
    for (const c of await ctx.engine.listContainers(ctx.name, { all: true }).catch(() => [])) {
      if (c.state === "exited" && services.some((s) => s.name === c.service && s.preset)) crashes.failedRestart(c.service, "exited while the engine was unreachable");
    }
  };
  const onEvent = (e: EngineEvent) => {
    presence.onEvent(e);
    crashes.onEvent(e);
  };
  const events = ctx.engine.events(ctx.name, onEvent, done.signal, () => void relist());
  if (!done.signal.aborted) await new Promise<void>((resolve) => done.signal.addEventListener("abort", () => resolve(), { once: true }));
  await watcher.close();
  scheduler.close();
  crashes.close();
  presence.close();
  await events.catch(() => undefined);
  return { stoppedElsewhere };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
