import type { FileChange } from "../../watch/watcher.js";

/** What a file is on disk now: equal stamps, same write. undefined when it is gone. */
export type FileStamp = (path: string) => string | undefined;

/**
 * How long after a run ends a late event may still describe what it saw: the native watcher
 * batches events until 50 ms of quiet (500 ms at most), so an event for a write that happened
 * before the run began can arrive after a quick reload is over.
 */
export const ECHO_WINDOW_MS = 1000;

export interface SaveEchoes {
  /** A run of `service` begins: what each of its files is now is what it applies. */
  started(service: string, files: string[]): void;
  ended(service: string): void;
  /** The changes that are news to `service`: not the very writes its last run already applied. */
  fresh(service: string, changes: FileChange[]): FileChange[];
}

/**
 * One in-place save (open with truncate, then write, as many editors and Node's writeFile do) is
 * two writes; when the writer pauses between them (a loaded machine), the native watcher reports
 * them in two batches. The first starts a run that already reads the finished file; the second
 * would start another run for the same content. A change is an echo when the file is still
 * exactly what it was when the service's last run began (same inode, size, change and modify
 * times), while that run is going or just after it.
 */
export function createSaveEchoes(stamp: FileStamp, now: () => number = Date.now): SaveEchoes {
  const runs = new Map<string, { stamps: Map<string, string | undefined>; endedAt?: number }>();
  return {
    started(service, files) {
      runs.set(service, { stamps: new Map(files.map((f) => [f, stamp(f)])) });
    },
    ended(service) {
      const run = runs.get(service);
      if (run) run.endedAt = now();
    },
    fresh(service, changes) {
      const run = runs.get(service);
      if (!run) return changes;
      if (run.endedAt !== undefined && now() - run.endedAt > ECHO_WINDOW_MS) {
        runs.delete(service);
        return changes;
      }
      return changes.filter((c) => !run.stamps.has(c.path) || run.stamps.get(c.path) !== stamp(c.path));
    },
  };
}

/**
 * The first half of an in-place save: the file was just emptied and its content is still being
 * written. Waiting the longer quiet period lets the second half land in the same run.
 */
export function looksMidWrite(changes: FileChange[], size: (path: string) => number | undefined): boolean {
  return changes.some((c) => c.kind === "update" && size(c.path) === 0);
}
