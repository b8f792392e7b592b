import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SCHEMA_FILE } from "./package-paths.js";

/**
 * Per-project state of the tools, git-ignored: the write lock and journal, the running watcher,
 * services stopped on purpose, the schema copy.
 */
export const STATE_DIR = ".create-stack";

/** Where stack.yaml's `$schema` line points, relative to stack.yaml. */
export const SCHEMA_COPY = `${STATE_DIR}/stack.schema.json`;

export function statePath(root: string, name: string): string {
  return join(root, STATE_DIR, name);
}

/**
 * A copy of the installed package's schema beside the project, so the editor's `$schema` line
 * resolves offline and matches the version of the tool that reads the file. Rewritten only when
 * it differs.
 */
export async function writeSchemaCopy(root: string): Promise<void> {
  const want = await readFile(SCHEMA_FILE, "utf8");
  if ((await readFile(join(root, SCHEMA_COPY), "utf8").catch(() => undefined)) === want) return;
  await writeStateFile(root, "stack.schema.json", want);
}

export async function readStateJson<T>(root: string, name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(statePath(root, name), "utf8")) as T;
  } catch {
    return undefined;
  }
}

export async function writeStateJson(root: string, name: string, data: unknown): Promise<void> {
  await writeStateFile(root, name, JSON.stringify(data, null, 2) + "\n");
}

/** A reader in another process sees the old content or the new, never half a file. */
async function writeStateFile(root: string, name: string, content: string): Promise<void> {
  await mkdir(join(root, STATE_DIR), { recursive: true });
  const tmp = statePath(root, `.${name}.create-stack-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, statePath(root, name));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
