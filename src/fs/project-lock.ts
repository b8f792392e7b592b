import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { link, mkdir, open, readFile, rename, rmdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { runtimeError } from "../errors/stack-error.js";

import { lstat } from "node:fs/promises";
import { checkStateDir, STATE_DIR, stateLinkError } from "./state-dir.js";

export { STATE_DIR };
const LOCK_FILE = "lock";

interface LockInfo {
  pid: number;
  /** The process's start time (Linux /proc), so a recycled pid is not taken for the holder. */
  start?: string;
  token: string;
  what: string;
}

export interface LockOptions {
  /** Give up after this long (default 10 minutes: a `dev add` may hold it while its service builds). */
  timeoutMs?: number;
  /** Called once when the lock is held by another command, with what it is doing. */
  onWait?: (holder: string) => void;
  /** Stop waiting (dev up stopping while another command holds the lock). */
  signal?: AbortSignal;
  /** The lock file in the state folder (default `lock`, the project write lock). */
  file?: string;
  /** What the lock guards, for the message when it stays taken (default "writing this project"). */
  guards?: string;
}

export type ReleaseLock = () => Promise<void>;

/**
 * The project write lock: one writing command at a time re-reads stack.yaml, plans and flushes.
 * A file created with O_EXCL holding the holder's pid; a lock whose process is gone is stale and
 * taken over, so a killed command never blocks the next one.
 */
export async function acquireProjectLock(root: string, what: string, opts: LockOptions = {}): Promise<ReleaseLock> {
  const dir = join(root, STATE_DIR);
  const name = opts.file ?? LOCK_FILE;
  const file = join(dir, name);
  const info: LockInfo = { pid: process.pid, start: startTimeOf(process.pid), token: randomBytes(8).toString("hex"), what };
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  let told = false;
  // A link as the state folder, or in it (a dangling `lock` link never opens and is never stale).
  checkStateDir(root);
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      // ENOENT: as below, a releasing holder removed the folder while it was being made.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      // A file (not a folder) where the state folder goes: no lock can ever be taken there.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      throw runtimeError("E_WRITE", `could not write the project: ${STATE_DIR} is a file where create-stack keeps its state folder`, `move ${STATE_DIR} away (create-stack makes the folder again); nothing was changed`);
    }
    try {
      const fh = await open(file, "wx", 0o644);
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      return () => releaseLock(dir, file, info.token);
    } catch (err) {
      // ENOENT: a holder releasing its lock removed the (then empty) state folder while we made
      // it or between our mkdir and open: make it again and retry.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) throw stateLinkError(join(STATE_DIR, name), file);
    const holder = await readLock(file);
    if (holder ? !isAlive(holder) : await isOldEmptyLock(file)) {
      await breakStaleLock(file, holder);
      continue;
    }
    if (holder && !told) {
      told = true;
      opts.onWait?.(`${holder.what} (pid ${holder.pid})`);
    }
    if (opts.signal?.aborted) throw runtimeError("E_ABORTED", "stopped while waiting for the project lock");
    if (Date.now() > deadline) {
      throw runtimeError(
        "E_LOCKED",
        `another command is ${opts.guards ?? "writing this project"}: ${holder ? `${holder.what} (pid ${holder.pid})` : "unknown"}`,
        `wait for it to finish and run the command again; if no such process runs, delete ${join(STATE_DIR, name)}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
  }
}

async function releaseLock(dir: string, file: string, token: string): Promise<void> {
  const holder = await readLock(file);
  if (holder?.token === token) await unlink(file).catch(() => undefined);
  // The state folder goes when nothing else is in it: a project only read stays as it was.
  await rmdir(dir).catch(() => undefined);
}

/** Run `fn` holding the project lock; released however `fn` ends. */
export async function withProjectLock<T>(root: string, what: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const release = await acquireProjectLock(root, what, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * The command of another live process holding the project lock, if one does: its containers'
 * stops and removals are that command's doing (dev add, dev remove, dev restart), not crashes.
 */
export function otherLockHolder(root: string): string | undefined {
  const holder = liveHolder(root, LOCK_FILE);
  return holder && holder.pid !== process.pid ? holder.what : undefined;
}

/** What the live holder of a lock file in the state folder (`file`) is doing, this process included. */
export function lockHolder(root: string, file: string): string | undefined {
  return liveHolder(root, file)?.what;
}

function liveHolder(root: string, file: string): LockInfo | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(root, STATE_DIR, file), "utf8")) as LockInfo;
    return isAlive(holder) ? holder : undefined;
  } catch {
    return undefined;
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockInfo;
  } catch {
    // Missing, or a holder killed between creating and writing it: the pid is unknown, so it is
    // stale once it is older than any write takes (see breakStaleLock).
    return undefined;
  }
}

/** A lock file without content is a holder killed between creating and writing it. */
async function isOldEmptyLock(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > 2000;
  } catch {
    return false;
  }
}

function isAlive(holder: LockInfo): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  const start = startTimeOf(holder.pid);
  return !(holder.start && start && start !== holder.start);
}

/**
 * Moves the stale lock aside, then checks that what was moved is the stale one: if another
 * command took it over meanwhile, its lock is put back (link fails when a newer one exists).
 */
async function breakStaleLock(file: string, stale: LockInfo | undefined): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString("hex")}`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  const moved = await readLock(aside);
  if (moved && moved.token !== stale?.token) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

function startTimeOf(pid: number): string | undefined {
  try {
    // Field 22 of /proc/PID/stat, counted after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
