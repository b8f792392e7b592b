import { randomBytes } from "node:crypto";
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runtimeError, StackError } from "../errors/stack-error.js";
import { SCHEMA_FILE } from "./package-paths.js";

/**
 * Per-project state of the tools, git-ignored: the write lock and journal, the running watcher,
 * services stopped on purpose, the schema copy.
 */
export const STATE_DIR = ".create-stack";

/** Where stack.yaml's `$schema` line points, relative to stack.yaml. */
export const SCHEMA_COPY = `${STATE_DIR}/stack.schema.json`;

export const tempDir = (root: string) => join(root, STATE_DIR, "tmp");

/**
 * The temp folder, ignoring itself: a temp file holding .env's secrets is never stageable by git,
 * even before the project's .gitignore lands (create-stack writes it in the same flush) or in a
 * project whose .gitignore lacks the state folder.
 */
export async function makeTempDir(root: string): Promise<void> {
  checkStateDir(root);
  await mkdir(tempDir(root), { recursive: true });
  await writeFile(join(tempDir(root), ".gitignore"), "*\n", { flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err;
  });
}

/** Removes the temp folder when nothing but its ignore file is left in it. */
export async function cleanTempDir(root: string): Promise<void> {
  const left = await readdir(tempDir(root)).catch(() => undefined);
  if (left?.every((name) => name === ".gitignore")) {
    await unlink(join(tempDir(root), ".gitignore")).catch(() => undefined);
    await rmdir(tempDir(root)).catch(() => undefined);
  }
}

export function statePath(root: string, name: string): string {
  return join(root, STATE_DIR, name);
}

function linkTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return "a missing target";
  }
}

/** A link in the state folder: refused, naming what to remove (the folder is made again). */
export function stateLinkError(shown: string, path: string): StackError {
  return new StackError({
    code: "E_SYMLINK",
    message: `${shown} is a symbolic link (to ${linkTarget(path)}); create-stack does not follow links in its state folder, nothing was changed`,
    hint: `remove ${shown} (the link only, not what it points to): create-stack makes its state folder again. A cloned repository must not bring its own ${STATE_DIR}/`,
  });
}

/**
 * The state folder is ours, but a cloned repository can commit one (`.create-stack/tmp ->
 * ../../elsewhere`, a dangling `lock` link): every command that writes or empties it first checks
 * that neither the folder nor anything directly in it is a symbolic link. Called before each
 * write, so a link made meanwhile is caught too.
 */
export function checkStateDir(root: string): void {
  const dir = join(root, STATE_DIR);
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (st.isSymbolicLink()) throw stateLinkError(STATE_DIR, dir);
  if (!st.isDirectory()) {
    throw runtimeError("E_WRITE", `could not write the project: ${STATE_DIR} is a file where create-stack keeps its state folder`, `move ${STATE_DIR} away (create-stack makes the folder again); nothing was changed`);
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) throw stateLinkError(`${STATE_DIR}/${entry.name}`, join(dir, entry.name));
  }
}

/**
 * A state file's text, never read through a link (the folder's or the file's own): a link
 * there reads as no state at all. undefined when missing or unreadable.
 */
export function readStateText(root: string, name: string): string | undefined {
  try {
    if (lstatSync(join(root, STATE_DIR)).isSymbolicLink()) return undefined;
    const fd = openSync(statePath(root, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * A copy of the installed package's schema beside the project, so the editor's `$schema` line
 * resolves offline and matches the version of the tool that reads the file. Rewritten only when
 * it differs.
 */
export async function writeSchemaCopy(root: string): Promise<void> {
  const want = await readFile(SCHEMA_FILE, "utf8");
  checkStateDir(root);
  if (readStateText(root, "stack.schema.json") === want) return;
  // Written under the project lock, by create-stack before the project's .gitignore lands: its
  // temp file goes in tmp/, which ignores itself (and is emptied by the next command's recovery).
  await makeTempDir(root);
  try {
    await writeStateFile(root, "stack.schema.json", want, undefined, join(tempDir(root), `${randomBytes(4).toString("hex")}-stack.schema.json`));
  } finally {
    await cleanTempDir(root);
  }
}

export async function readStateJson<T>(root: string, name: string): Promise<T | undefined> {
  try {
    const text = readStateText(root, name);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

export async function writeStateJson(root: string, name: string, data: unknown, opts: { mode?: number } = {}): Promise<void> {
  await writeStateFile(root, name, JSON.stringify(data, null, 2) + "\n", opts.mode);
}

/** A reader in another process sees the old content or the new, never half a file. */
async function writeStateFile(root: string, name: string, content: string, mode = 0o644, tmp = statePath(root, `.${name}.create-stack-${randomBytes(4).toString("hex")}`)): Promise<void> {
  checkStateDir(root);
  await mkdir(join(root, STATE_DIR), { recursive: true });
  try {
    // wx: a name that exists (a link planted there) is never written through.
    // The mode at creation (a secret is never readable by others, not even for a moment).
    const fh = await open(tmp, "wx", mode);
    try {
      if (mode !== 0o644) await fh.chmod(mode);
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    await rename(tmp, statePath(root, name));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
