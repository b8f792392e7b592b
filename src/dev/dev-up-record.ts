import { link, rm, writeFile } from "node:fs/promises";
import { mkdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { checkStateDir, readStateText, STATE_DIR, statePath } from "../fs/state-dir.js";

export const DEV_UP_FILE = "dev-up.json";

export interface DevUpRecord {
  pid: number;
  startedAt: string;
  services: string[];
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function readDevUp(root: string): Promise<DevUpRecord | undefined> {
  try {
    const rec = JSON.parse(readStateText(root, DEV_UP_FILE) ?? "null") as DevUpRecord;
    return typeof rec.pid === "number" && processAlive(rec.pid) ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function alreadyUpError(rec: DevUpRecord): StackError {
  return new StackError({
    code: "E_ALREADY_UP",
    message: `dev up is already running for this project (pid ${rec.pid}, since ${rec.startedAt})`,
    hint: `one watcher per project: use its terminal (Ctrl-C stops it), or kill ${rec.pid}; dev status, dev logs, dev restart work beside it`,
  });
}

/**
 * Claims the project for this `dev up`: one watcher per project, or every save restarts twice and
 * either watcher's Ctrl-C stops the stack under the other. The record is created with a hard link
 * (atomic, fails if it exists), so two starting together cannot both win. A record left by a
 * process that is gone is taken over. Returns the release function (also run on exit).
 */
export async function claimDevUp(root: string, services: string[]): Promise<() => void> {
  const target = statePath(root, DEV_UP_FILE);
  checkStateDir(root);
  mkdirSync(join(root, STATE_DIR), { recursive: true });
  const mine: DevUpRecord = { pid: process.pid, startedAt: new Date().toISOString(), services };
  const tmp = `${target}.${process.pid}`;
  // Left by a killed process of the same pid, or planted: removed, never written through.
  await rm(tmp, { force: true });
  await writeFile(tmp, JSON.stringify(mine, null, 2) + "\n", { flag: "wx" });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, target);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw err;
        const other = await readDevUp(root);
        if (other && other.pid !== process.pid) throw alreadyUpError(other);
        // Left by a process that is gone: take it over.
        await rm(target, { force: true });
      }
    }
  } finally {
    await rm(tmp, { force: true });
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    try {
      unlinkSync(target);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return release;
}
