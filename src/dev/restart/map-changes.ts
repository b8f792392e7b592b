import type { FileChange } from "../../watch/watcher.js";
import { ignoreMatcher, orderedMatcher } from "../../watch/glob.js";

export interface WatchedService {
  name: string;
  /** Root-relative folders or files it watches; several services may share one. */
  paths: string[];
  /** Root-relative globs whose change needs a rebuild (Dockerfile, requirements.txt, ...). */
  rebuildOn: string[];
  /** Reloads itself: never restarted. */
  reload: boolean;
  /**
   * Where a change restarts it, when not everywhere it watches (an adopted service: its mounted
   * sources; the rest of its build context only rebuilds, and what rebuild_on takes back is not its).
   */
  restartPaths?: string[];
  /** Files that are never its changes (create-stack's own files in an adopted build context). */
  ignore?: string[];
}

export interface ServiceChange {
  files: string[];
  rebuild: boolean;
  /** More is coming (a new folder appeared: a checkout or a generator is writing). */
  burst?: boolean;
  /** Why a run without files is asked for: the service is down and should be running. */
  cause?: RestartCause;
  /** Part of a larger recovery that reports itself in one line: no line of its own. */
  quiet?: boolean;
}

/**
 * crash: it exited by itself; outside: stopped or killed by someone else (docker kill/stop);
 * removed: its container was removed (docker rm -f); engine: the engine came back after it went
 * away; dependency: it did not recover after a service it depends on was restarted.
 */
export type RestartCause = "crash" | "outside" | "removed" | "engine" | "dependency";

function within(path: string, base: string): boolean {
  const b = base.replace(/\/+$/, "");
  return b === "" || b === "." || path === b || path.startsWith(`${b}/`);
}

/** Which services a batch of changes concerns. A change under a shared path concerns every user of it. */
export function mapChangesToServices(changes: FileChange[], services: WatchedService[]): Map<string, ServiceChange> {
  const out = new Map<string, ServiceChange>();
  for (const svc of services) {
    const rebuilds = orderedMatcher(svc.rebuildOn);
    const ignored = ignoreMatcher(svc.ignore ?? []);
    const files: string[] = [];
    let rebuild = false;
    for (const c of changes) {
      if (!svc.paths.some((p) => within(c.path, p)) || ignored(c.path)) continue;
      const rebuilt = rebuilds(c.path);
      if (!rebuilt && svc.restartPaths && !svc.restartPaths.some((p) => within(c.path, p))) continue;
      files.push(c.path);
      if (rebuilt) rebuild = true;
    }
    if (files.length === 0 || (svc.reload && !rebuild)) continue;
    out.set(svc.name, { files: [...new Set(files)], rebuild });
  }
  return out;
}
