import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "../engine/engine.js";
import { reportError } from "../errors/report-error.js";
import { isStackError } from "../errors/stack-error.js";
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
import { contentHash } from "../fs/content-hash.js";
import { readCreated } from "../fs/journal.js";
import { withProjectWrite } from "../fs/project-transaction.js";

export interface WatchOptions {
  poll: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
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
export async function watchLoop(ctx: DevContext, opts: WatchOptions): Promise<void> {
  const { log } = opts;
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
      if (!svc) return;
      crashes.expectRestart(name);
      let ok = false;
      try {
        const out = await restartService(ctx, svc, { rebuild: change.rebuild, env: await readProjectEnv(ctx.project.root) });
        const what = change.files.length ? ` (${change.files.length} file${change.files.length === 1 ? "" : "s"})` : " (after a crash)";
        log(`${name} ${out.rebuilt ? "rebuilt and restarted" : "restarted"} in ${out.seconds.toFixed(2)} s${what}`);
        ok = true;
      } catch (err) {
        if (isStackError(err) && err.code === "E_UNHEALTHY") crashes.failedRestart(name, err.message);
        else log(reportError(err).text);
      } finally {
        crashes.restartDone(name, ok);
      }
    },
  });

  // One apply at a time; saves that arrive meanwhile are coalesced into one more apply after it.
  let applying = false;
  let again = false;
  const onStackChange = async () => {
    if (applying) {
      again = true;
      return;
    }
    applying = true;
    try {
      do {
        again = false;
        await applyStack();
      } while (again && !opts.signal.aborted);
    } finally {
      applying = false;
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
          log(`${reportError(err).text}\n  (still running the previous stack.yaml; fix it and save again)`);
          return;
        }
        ctx.project = next;
        services = next.services;
        watched = watchedServices(services);
        if (sync.written.length) log(`stack.yaml changed: updated ${sync.written.join(", ")}`);
        try {
          await runCompose(ctx, ["up", "-d", "--remove-orphans"], "applying stack.yaml");
          log(`stack.yaml applied: ${services.length} service${services.length === 1 ? "" : "s"}`);
        } catch (err) {
          // stack.yaml is valid and the files follow it: what failed is starting a container.
          log(`${reportError(err).text}\n  (stack.yaml is applied to the files; the services compose names above are not running as configured)`);
        }
      },
      { onWait: (holder) => log(`stack.yaml changed: applying it once ${holder} is done`), signal: opts.signal },
    ).catch((err: unknown) => {
      if (!opts.signal.aborted) log(reportError(err).text);
    });

  const onChanges = (all: FileChange[]) => {
    // A new folder is no code change itself, but says more files are coming (a checkout, a
    // generator): the services under it wait for the burst to settle before restarting.
    const folders = all.filter((c) => c.kind === "create" && isDirectory(join(ctx.project.root, c.path)));
    const changes = withoutOwnWrites(ctx.project.root, all.filter((c) => !folders.includes(c)));
    if (all.some((c) => c.path === STACK_FILE)) void onStackChange();
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
  const events = ctx.engine.events(ctx.name, (e: EngineEvent) => crashes.onEvent(e), opts.signal, () => void relist());
  await new Promise<void>((resolve) => opts.signal.addEventListener("abort", () => resolve(), { once: true }));
  await watcher.close();
  scheduler.close();
  crashes.close();
  await events.catch(() => undefined);
}

/**
 * Files a create-stack write just created (a `dev add`'s starter code, built and started by that
 * command) are not code changes: the service would be built a second time.
 */
function withoutOwnWrites(root: string, changes: FileChange[]): FileChange[] {
  const created = readCreated(root);
  return changes.filter((c) => {
    const hash = created[c.path];
    if (hash === undefined || c.kind === "delete") return true;
    try {
      return contentHash(readFileSync(join(root, c.path), "utf8")) !== hash;
    } catch {
      return true;
    }
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
