import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { ignoreMatcher } from "./glob.js";
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
 * Native events through @parcel/watcher (one inotify watch per directory, events batched off the
 * JS thread so a blocked event loop loses nothing); polling where native events do not exist
 * (network mounts, WSL2's /mnt) or when asked to.
 */
export async function startWatcher(opts: WatchOptions): Promise<Watcher> {
  if (!opts.poll && process.env.CREATE_STACK_POLL !== "1") {
    try {
      return await startNative(opts);
    } catch {
      // No native backend on this filesystem: fall through to polling.
    }
  }
  return startPolling(opts);
}

async function startNative(opts: WatchOptions): Promise<Watcher> {
  const parcel = await import("@parcel/watcher");
  const ignored = ignoreMatcher(opts.ignore);
  const toRel = (p: string) => relative(opts.root, p).split(sep).join("/");
  const sub = await parcel.subscribe(
    opts.root,
    (err, events) => {
      if (err || events.length === 0) return;
      const changes = events.map((e) => ({ path: toRel(e.path), kind: e.type })).filter((c) => !ignored(c.path));
      if (changes.length) opts.onChanges(changes);
      for (const c of changes) if (c.kind === "create") void reportContents(opts.root, c.path, ignored, opts.onChanges);
    },
    // Parcel tests every glob against every path while it crawls (50,000 files: 1 s for a few
    // globs). Plain folder paths cost nothing, so the folders the globs name are found up front.
    { ignore: await ignoredFolders(opts.root, opts.ignore, ignored) },
  );
  return { backend: "native", close: () => sub.unsubscribe() };
}

/** `**\/name/**` patterns: every folder of that name in the tree, as absolute paths. */
async function ignoredFolders(root: string, globs: string[], ignored: (p: string) => boolean): Promise<string[]> {
  const names = new Set(globs.map((g) => /^\*\*\/([^*?/]+)\/\*\*$/.exec(g)?.[1]).filter((n): n is string => Boolean(n)));
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries
        .filter((e) => e.isDirectory())
        .map((e) => {
          const relPath = rel ? `${rel}/${e.name}` : e.name;
          if (names.has(e.name) || ignored(`${relPath}/x`)) {
            found.push(join(dir, e.name));
            return undefined;
          }
          return walk(join(dir, e.name), relPath);
        }),
    );
  };
  await walk(root, "");
  return found;
}

/**
 * A new folder's files may be written before the watch on the folder exists, and then no event
 * tells of them: report what the folder holds once it is seen.
 */
async function reportContents(root: string, relDir: string, ignored: (p: string) => boolean, onChanges: (c: FileChange[]) => void): Promise<void> {
  const isDir = await stat(join(root, relDir)).then((s) => s.isDirectory(), () => false);
  if (!isDir) return;
  const files: FileChange[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map((e) => {
        const path = `${rel}/${e.name}`;
        if (ignored(path)) return undefined;
        if (e.isDirectory()) return walk(path);
        files.push({ path, kind: "create" });
        return undefined;
      }),
    );
  };
  await walk(relDir);
  if (files.length) onChanges(files);
}
