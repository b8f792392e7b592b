import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, normalize, relative, sep } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { STATE_DIR } from "./state-dir.js";

export type JournalOp = { op: "rename"; tmp: string; target: string } | { op: "delete"; target: string };

/** Files stack.yaml and .env may be links to: their targets are written through (see flushPlan). */
const WRITE_THROUGH = ["stack.yaml", ".env"];

/**
 * The journal's steps, checked before any is taken: a journal is read from the state folder,
 * which a cloned repository can commit, so only the steps flushPlan itself writes are taken.
 * A target is an absolute, normalised path inside the project (not in .git/ or the state
 * folder, no linked folder on the way) or the real target of a linked stack.yaml or .env; a
 * temp file is a regular file in the state folder's tmp/ named after its target (or beside a
 * written-through target). Anything else: refused, the journal and temp files kept as they are.
 */
export function checkJournalOps(root: string, ops: unknown[]): JournalOp[] {
  return ops.map((op) => {
    const problem = opProblem(root, op);
    if (problem) throw journalError(problem);
    return op as JournalOp;
  });
}

function journalError(problem: string): StackError {
  return new StackError({
    code: "E_STATE_INVALID",
    message: `${STATE_DIR}/journal ${problem}, which create-stack never writes; nothing was done`,
    hint: `look at ${STATE_DIR}/journal and ${STATE_DIR}/tmp/ (kept as they are): no command of create-stack left them. Delete ${STATE_DIR}/ when done; it is made again`,
  });
}

function opProblem(root: string, op: unknown): string | undefined {
  if (typeof op !== "object" || op === null) return `holds a step that is not an object (${JSON.stringify(op)})`;
  const { op: kind, target, tmp } = op as Record<string, unknown>;
  if (kind !== "rename" && kind !== "delete") return `holds a step "${String(kind)}"`;
  if (typeof target !== "string") return `holds a ${kind} without a target`;
  const where = targetKind(root, target);
  if (kind === "delete") return where === "inside" ? undefined : `deletes ${target}`;
  if (typeof tmp !== "string") return `renames to ${target} from no temp file`;
  if (where === undefined || !isOurTemp(root, tmp, target, where)) return `renames ${tmp} to ${target}`;
  return undefined;
}

/** inside: a path in the project; through: the real target of a linked stack.yaml or .env. */
function targetKind(root: string, target: string): "inside" | "through" | undefined {
  if (!isAbsolute(target) || normalize(target) !== target) return undefined;
  const rel = relative(root, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return WRITE_THROUGH.some((f) => realTargetOfLink(join(root, f)) === target) ? "through" : undefined;
  }
  const parts = rel.split(sep);
  if (parts[0] === ".git" || parts[0] === STATE_DIR) return undefined;
  // No folder on the way may be a link: the step would land wherever it points.
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    try {
      if (lstatSync(dir).isSymbolicLink()) return undefined;
    } catch {
      break; // Missing: the rename makes it.
    }
  }
  return "inside";
}

function realTargetOfLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function isOurTemp(root: string, tmp: string, target: string, where: "inside" | "through"): boolean {
  const name = basename(tmp);
  const inTmp = dirname(tmp) === join(root, STATE_DIR, "tmp") && /^[0-9a-f]+-/.test(name) && name.slice(name.indexOf("-") + 1) === basename(target);
  // A written-through target's temp file is beside it (it may be on another filesystem).
  const beside = where === "through" && dirname(tmp) === dirname(target) && new RegExp(`^\\.${escape(basename(target))}\\.create-stack-[0-9a-f]{8}$`).test(name);
  const expected = inTmp || beside;
  if (!expected || normalize(tmp) !== tmp) return false;
  try {
    // A link planted in tmp/ would be moved into the project as it is.
    return lstatSync(tmp).isFile();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT"; // Renamed before the kill.
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
