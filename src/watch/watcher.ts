import { relative, sep } from "node:path";
import { startPolling } from "./poll-watcher.js";

export interface FileChange {
  /** Root-relative, forward slashes. */
  path: string;
  kind: "create" | "update" | "delete";
}

export interface Watcher {
  backend: "native" | "polling";
  close(): Promise<void>;
}

export interface WatchOptions {
  root: string;
  /** Globs relative to root. */
  ignore: string[];
  onChanges: (changes: FileChange[]) => void;
  poll?: boolean;
  pollIntervalMs?: number;
}

/**
 * Native events through @parcel/watcher (one inotify watch per directory, ignores applied in
 * native code, events batched off the JS thread so a blocked event loop loses nothing); polling
 * where native events do not exist (network mounts, WSL2's /mnt) or when asked to.
 */
export async function startWatcher(opts: WatchOptions): Promise<Watcher> {
  if (!opts.poll && process.env.CREATE_STACK_POLL !== "1") {
    try {
      const parcel = await import("@parcel/watcher");
      const toRel = (p: string) => relative(opts.root, p).split(sep).join("/");
      const sub = await parcel.subscribe(
        opts.root,
        (err, events) => {
          if (err || events.length === 0) return;
          opts.onChanges(events.map((e) => ({ path: toRel(e.path), kind: e.type })));
        },
        { ignore: opts.ignore },
      );
      return { backend: "native", close: () => sub.unsubscribe() };
    } catch {
      // No native backend on this filesystem: fall through to polling.
    }
  }
  return startPolling(opts);
}
