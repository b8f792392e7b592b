import { readFileSync } from "node:fs";
import { runtimeError } from "../errors/stack-error.js";
import { contentHash } from "./content-hash.js";
import { applyOps, commitJournal, type JournalOp } from "./journal.js";

/** One journal step of a flush, with what it takes to check it and to undo it. */
export interface CheckedStep {
  op: JournalOp;
  /** Project-relative path, for the user. */
  path: string;
  /** Hash of the target when planned (null: absent); undefined: not checked. */
  base?: string | null;
  /** Hash of what the step leaves (null: nothing, a delete). */
  ours: string | null;
  /** A hard link to (or copy of) the target as it was, to put back on undo. */
  backup?: string;
}

function hashNow(path: string): string | null {
  try {
    return contentHash(readFileSync(path, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * Takes the committed steps in order, each checked against a save landing meanwhile (an editor
 * saving stack.yaml while a dev add renames a dozen files): right before its own rename a file
 * must still be as planned, and right after it must hold what we wrote. If not, the steps already
 * taken are undone (from their backups, through a journal of their own, so a kill mid-undo is
 * completed by the next command), the save stays, and E_CHANGED says nothing was written. A save
 * landing in the instant between a check and its rename cannot be seen: the check is as late as
 * the filesystem allows.
 */
export async function applyChecked(root: string, steps: CheckedStep[]): Promise<void> {
  const done: CheckedStep[] = [];
  for (const step of steps) {
    if (step.base !== undefined && hashNow(step.op.target) !== step.base) {
      await undo(root, done);
      throw runtimeError("E_CHANGED", `${step.path} changed while this command ran; nothing was written`, "your save was kept: run the command again, it re-reads the project");
    }
    await applyOps(root, [step.op]);
    done.push(step);
    if (step.base !== undefined && hashNow(step.op.target) !== step.ours) {
      await undo(root, done);
      throw runtimeError("E_CHANGED", `${step.path} was saved while this command wrote it; nothing was written`, "your save was kept and this command's other changes undone: run the command again, it re-reads the project");
    }
  }
}

/** Puts back what the steps taken replaced, newest first, skipping any file saved since. */
async function undo(root: string, done: CheckedStep[]): Promise<void> {
  const reverse: JournalOp[] = [];
  for (const step of [...done].reverse()) {
    if (hashNow(step.op.target) !== step.ours) continue; // Saved after our step: the save stays.
    reverse.push(step.backup ? { op: "rename", tmp: step.backup, target: step.op.target } : { op: "delete", target: step.op.target });
  }
  await commitJournal(root, reverse);
  await applyOps(root, reverse);
}
