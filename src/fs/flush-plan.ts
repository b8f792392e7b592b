import { randomBytes } from "node:crypto";
import { constants, lstatSync, readFileSync, realpathSync } from "node:fs";
import { chmod, copyFile, link, mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { runtimeError, StackError } from "../errors/stack-error.js";
import type { Plan, PlannedFile } from "./plan.js";
import { contentHash } from "./content-hash.js";
import { checkStateDir } from "./state-dir.js";
import { applyChecked, type CheckedStep } from "./apply-checked.js";
import { cleanStateDir, commitJournal, finishJournal, makeTempDir, recordCreated, tempDir } from "./journal.js";

/** Top-level files that may be symbolic links the user made: written through, the link stays. */
const WRITE_THROUGH = new Set(["stack.yaml", ".env"]);

interface Staged {
  file: PlannedFile;
  /** Where the content goes: the project path, or a symlinked stack.yaml/.env's real target. */
  target: string;
  tmp?: string;
  /** The target as it was (a hard link), put back if a save lands while the write runs. */
  backup?: string;
}

/**
 * The one way anything is written to a project. Run under the project lock (project-lock.ts).
 *
 * 1. Check every path stays inside the project's real path (no symlinked folder, no symlinked
 *    file but a stack.yaml or .env written through) and is still as it was when planned.
 * 2. Write every new content to a temp file in .create-stack/tmp (git-ignored).
 * 3. Commit: the journal of pending renames and deletes is renamed into place.
 * 4. Rename and delete: .env and everything else first, stack.yaml last, since `dev up` applies
 *    stack.yaml as soon as it changes and must find what it refers to.
 * A command killed after 3 is rolled forward by the next one (recoverProject); before 3 its temp
 * files are removed and the project is as it was.
 */
export async function flushPlan(plan: Plan): Promise<string[]> {
  const files = plan.files.filter((f) => f.action === "create" || f.action === "update" || f.action === "delete");
  if (files.length === 0) return [];
  const root = realRoot(plan.root);
  const staged = files.map((file) => ({ file, target: checkTarget(root, file) }) as Staged);
  for (const s of staged) checkBase(s);

  const tmpDir = tempDir(root);
  checkStateDir(root);
  try {
    await makeTempDir(root);
    for (const s of staged) {
      if (s.file.action === "delete") continue;
      s.tmp = tempBeside(root, tmpDir, s.target);
      await writeFile(s.tmp, s.file.content, { mode: s.file.mode ?? 0o644, flag: "wx" });
      // writeFile's mode is filtered by the umask; .env must be 0600 whatever the umask says.
      if (s.file.mode !== undefined) await chmod(s.tmp, s.file.mode);
    }
    for (const s of staged) if (s.file.action !== "create") s.backup = await backUp(tempBeside(root, tmpDir, s.target), s.target);
  } catch (err) {
    await removeTemps(staged);
    await cleanStateDir(root);
    throw runtimeError("E_WRITE", `could not write the project: ${(err as Error).message}`, "check permissions and free disk space; nothing was changed");
  }

  // .gitignore first: killed at any later rename, .env is never stageable by git.
  const rank = (s: Staged) => (s.file.path === ".gitignore" ? -1 : s.file.path === ".env" ? 0 : s.file.path === "stack.yaml" ? 3 : s.file.action === "delete" ? 2 : 1);
  const steps: CheckedStep[] = [...staged]
    .sort((a, b) => rank(a) - rank(b))
    .map((s) => ({
      op: s.tmp ? { op: "rename", tmp: s.tmp, target: s.target } : { op: "delete", target: s.target },
      path: s.file.path,
      base: s.file.base,
      ours: s.tmp ? contentHash(s.file.content) : null,
      backup: s.backup,
    }));
  await commitJournal(root, steps.map((s) => s.op));
  try {
    await applyChecked(root, steps);
  } catch (err) {
    // Undone (a save landed meanwhile): its own journal is done, the temp files are no use.
    // Anything else keeps the journal and temp files for the next command to roll forward.
    if (err instanceof StackError && err.code === "E_CHANGED") {
      await removeTemps(staged);
      await finishJournal(root);
    }
    throw err;
  }
  await removeTemps(staged);
  if (plan.recordCreated !== false) await recordCreated(root, staged.filter((s) => s.file.action === "create").map((s) => ({ path: s.file.path, target: s.target })));
  await finishJournal(root);
  return files.map((f) => f.path);
}

/** A temp file's name: in the state folder's tmp/, or beside a written-through target (which may be on another filesystem). */
function tempBeside(root: string, tmpDir: string, target: string): string {
  const id = randomBytes(4).toString("hex");
  return target.startsWith(root + sep) ? join(tmpDir, `${id}-${basename(target)}`) : join(dirname(target), `.${basename(target)}.create-stack-${id}`);
}

/** A hard link to the file as it is (a copy where links do not work); undefined when there is none. */
async function backUp(path: string, target: string): Promise<string | undefined> {
  try {
    await link(target, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code !== "EXDEV" && code !== "EPERM") throw err;
    await copyFile(target, path, constants.COPYFILE_EXCL);
  }
  return path;
}

async function removeTemps(staged: Staged[]): Promise<void> {
  await Promise.all(staged.flatMap((s) => [s.tmp, s.backup].map((p) => (p ? rm(p, { force: true }) : undefined))));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

function symlinkError(path: string, to: string): StackError {
  return new StackError({
    code: "E_SYMLINK",
    message: `${path} is a symbolic link (to ${to}); nothing was written`,
    hint: "create-stack writes only inside the project and does not follow links there: replace the link with a real folder or file",
  });
}

/**
 * A file the plan would have to overwrite and cannot (a conflict) may be a symbolic link to
 * outside the project: that is said as such (E_SYMLINK, exit 2), not as a hand edit (exit 1).
 */
export function assertConflictsAreNoLinks(plan: Plan): void {
  for (const file of plan.files) if (file.action === "conflict") checkTarget(realRoot(plan.root), { ...file, action: "update" });
}

/**
 * Where a planned file goes, refusing any path that would leave the project: a folder on the way
 * that is a symbolic link (a hostile clone's `services/x -> /anywhere`), or a file that is one,
 * except stack.yaml and .env, which are written through to their targets.
 */
function checkTarget(root: string, file: PlannedFile): string {
  const parts = file.path.split("/");
  if (parts.some((p) => p === ".." || p === "" || p === ".")) {
    throw new StackError({ code: "E_OUTSIDE_PROJECT", message: `${file.path} is not a path inside the project; nothing was written`, hint: "use a relative path without . or .. parts" });
  }
  let dir = root;
  for (const [i, part] of parts.entries()) {
    const path = join(dir, part);
    const last = i === parts.length - 1;
    let st;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return join(root, ...parts);
      throw err;
    }
    const shown = parts.slice(0, i + 1).join("/");
    if (st.isSymbolicLink()) {
      // Deleting a link removes the link itself, never its target.
      if (last && file.action === "delete") return path;
      if (!last || !WRITE_THROUGH.has(file.path)) throw symlinkError(shown, readLink(path));
      try {
        return realpathSync(path);
      } catch {
        if (file.action === "delete") return path;
        throw symlinkError(shown, `${readLink(path)}, which does not exist`);
      }
    }
    if (!last && !st.isDirectory()) {
      throw runtimeError("E_WRITE", `could not write the project: ${shown} is a file where a folder must go`, "move it away; nothing was changed");
    }
    if (last && st.isDirectory()) {
      throw runtimeError("E_WRITE", `could not write the project: ${shown} is a folder where a file must go`, "move it away; nothing was changed");
    }
    dir = path;
  }
  return join(root, ...parts);
}

function readLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return "a missing target";
  }
}

/** Refuses to write over a file that changed between planning and writing (an editor's save). */
function checkBase(s: Staged): void {
  if (s.file.base === undefined) return;
  let now: string | null;
  try {
    now = contentHash(readFileSync(s.target, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    now = null;
  }
  if (now !== s.file.base) {
    throw runtimeError("E_CHANGED", `${s.file.path} changed while this command ran; nothing was written`, "run the command again: it re-reads the project");
  }
}
