import { randomBytes } from "node:crypto";
import { lstatSync, realpathSync } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, unlink } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { checkJournalOps, type JournalOp } from "./check-journal.js";
import { checkStateDir, readStateText, STATE_DIR } from "./state-dir.js";

export type { JournalOp };

const JOURNAL = "journal";
const CREATED = "created.json";
const KEEP_CREATED = 500;

export const stateDir = (root: string) => join(root, STATE_DIR);
export const tempDir = (root: string) => join(root, STATE_DIR, "tmp");

/** Makes the pending renames and deletes durable in one rename: from here on they are rolled forward. */
export async function commitJournal(root: string, ops: JournalOp[]): Promise<void> {
  const next = join(stateDir(root), `${JOURNAL}.next-${randomBytes(4).toString("hex")}`);
  checkStateDir(root);
  const fh = await open(next, "wx", 0o600);
  try {
    await fh.writeFile(JSON.stringify({ version: 1, ops }));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(next, join(stateDir(root), JOURNAL));
}

export async function finishJournal(root: string): Promise<void> {
  await unlink(join(stateDir(root), JOURNAL));
  await cleanStateDir(root);
}

/** Removes the temp folder, and the state folder, when empty. */
export async function cleanStateDir(root: string): Promise<void> {
  await rmdir(tempDir(root)).catch(() => undefined);
  await rmdir(stateDir(root)).catch(() => undefined);
}

/** Renames and deletes in journal order; each step can be repeated (a roll-forward repeats them). */
export async function applyOps(root: string, ops: JournalOp[]): Promise<void> {
  for (const op of ops) {
    if (op.op === "rename") {
      await mkdir(dirname(op.target), { recursive: true });
      try {
        await rename(op.tmp, op.target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EXDEV") await moveAcrossDevices(op.tmp, op.target);
        else if (code !== "ENOENT") throw err; // ENOENT: renamed before the kill
      }
    } else {
      await rm(op.target, { force: true });
      await removeEmptyParents(root, dirname(op.target));
    }
  }
}

/** A folder on another filesystem (a mount inside the project): copy beside the target, then rename. */
async function moveAcrossDevices(tmp: string, target: string): Promise<void> {
  const beside = join(dirname(target), `.${basename(target)}.create-stack-${randomBytes(4).toString("hex")}`);
  await copyFile(tmp, beside);
  await rename(beside, target);
  await unlink(tmp);
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  for (let d = dir; d.startsWith(root + sep); d = dirname(d)) {
    if ((await readdir(d).catch(() => ["?"])).length > 0) return;
    await rmdir(d).catch(() => undefined);
  }
}

export interface Recovery {
  /** A committed write was completed. */
  rolledForward: boolean;
  /** Temp files of an uncommitted write were removed. */
  removedTemps: number;
}

/**
 * What a command killed mid-write left: a committed journal is rolled forward (the write
 * completes), temp files of an uncommitted one are removed (the project is as before it).
 * Every writing command runs this under the project lock before it reads the project.
 */
export async function recoverProject(projectRoot: string): Promise<Recovery> {
  const root = realRoot(projectRoot);
  // A state folder a cloned repository brought: no link in it is followed, no journal naming
  // what we never write is taken (both refused before anything is removed, kept for a look).
  checkStateDir(root);
  const result: Recovery = { rolledForward: false, removedTemps: 0 };
  const journal = join(stateDir(root), JOURNAL);
  // undefined: no committed write pending.
  const text = readStateText(root, JOURNAL);
  if (text !== undefined) {
    // The journal is renamed into place whole, so it parses; if it does not, nothing was committed.
    const ops = parseOps(text);
    if (ops) {
      await applyOps(root, checkJournalOps(root, ops));
      result.rolledForward = true;
    }
    await unlink(journal);
  }
  const remove = async (path: string) => {
    await rm(path, { force: true, recursive: true });
    result.removedTemps++;
  };
  for (const name of await readdir(tempDir(root)).catch(() => [] as string[])) await remove(join(tempDir(root), name));
  for (const name of await readdir(stateDir(root)).catch(() => [] as string[])) if (name.startsWith(`${JOURNAL}.next-`)) await remove(join(stateDir(root), name));
  // Temp files beside a symlinked stack.yaml's or .env's target, and beside files at the root.
  const dirs = new Set([root, ...["stack.yaml", ".env"].map((f) => linkTargetDir(join(root, f))).filter((d): d is string => d !== undefined)]);
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [] as string[])) if (/^\..+\.create-stack-[0-9a-f]{8}$/.test(name)) await remove(join(dir, name));
  }
  await cleanStateDir(root);
  return result;
}

function parseOps(text: string): unknown[] | undefined {
  try {
    const parsed = JSON.parse(text) as { ops?: unknown[] };
    return Array.isArray(parsed.ops) ? parsed.ops : undefined;
  } catch {
    return undefined;
  }
}

function linkTargetDir(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? dirname(realpathSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/**
 * Files a write created, with their hashes: `dev up` does not take them for code changes (a
 * service `dev add` just built and started needs no second build). Updated files are not
 * listed: a requirements.txt that gained a line does need a rebuild.
 */
export async function recordCreated(root: string, files: { path: string; hash: string }[]): Promise<void> {
  if (files.length === 0) return;
  checkStateDir(root);
  const all = { ...readCreated(root), ...Object.fromEntries(files.map((f) => [f.path, f.hash])) };
  const kept = Object.fromEntries(Object.entries(all).slice(-KEEP_CREATED));
  const tmp = join(tempDir(root), `${randomBytes(4).toString("hex")}-${CREATED}`);
  try {
    const fh = await open(tmp, "wx", 0o644);
    await fh.writeFile(JSON.stringify(kept));
    await fh.close();
    await rename(tmp, join(stateDir(root), CREATED));
  } catch (err) {
    // A failed write leaves no temp file (flushPlan removes its own; this one is ours).
    await rm(tmp, { force: true });
    throw err;
  }
}

export function readCreated(root: string): Record<string, string> {
  try {
    return JSON.parse(readStateText(root, CREATED) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}
