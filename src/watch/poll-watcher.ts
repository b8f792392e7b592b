import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ignoreMatcher } from "./glob.js";
import type { FileChange, Watcher, WatchOptions } from "./watcher.js";

interface Stamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** Stat-based scanning: slower to notice than native events, but it never misses a change. */
export async function startPolling(opts: WatchOptions): Promise<Watcher> {
  const ignored = ignoreMatcher(opts.ignore);
  let known = await scan(opts.root, ignored);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped) return;
    const now = await scan(opts.root, ignored);
    const changes: FileChange[] = [];
    for (const [path, s] of now) {
      const before = known.get(path);
      if (!before) changes.push({ path, kind: "create" });
      else if (before.mtimeMs !== s.mtimeMs || before.size !== s.size || before.ino !== s.ino) changes.push({ path, kind: "update" });
    }
    for (const path of known.keys()) if (!now.has(path)) changes.push({ path, kind: "delete" });
    known = now;
    if (changes.length && !stopped) opts.onChanges(changes);
    if (!stopped) timer = setTimeout(tick, opts.pollIntervalMs ?? 1000);
  };
  timer = setTimeout(tick, opts.pollIntervalMs ?? 1000);
  return {
    backend: "polling",
    close: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function scan(root: string, ignored: (p: string) => boolean): Promise<Map<string, Stamp>> {
  const out = new Map<string, Stamp>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (e) => {
        const relPath = rel ? `${rel}/${e.name}` : e.name;
        if (ignored(relPath) || (e.isDirectory() && ignored(`${relPath}/x`))) return;
        if (e.isDirectory()) return walk(join(dir, e.name), relPath);
        try {
          const s = await lstat(join(dir, e.name));
          out.set(relPath, { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino });
        } catch {
          // Gone between readdir and lstat: the next scan reports it as deleted.
        }
      }),
    );
  };
  await walk(root, "");
  return out;
}
