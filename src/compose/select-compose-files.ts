import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";

/** compose's default names, in its order of preference, and their override files. */
export const DEFAULT_COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
export const DEFAULT_OVERRIDE_FILES = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yml", "docker-compose.override.yaml"];

export interface FileSelection {
  files: string[];
  /** The project directory: relative paths and .env are read from here. */
  workingDir: string;
  /** How the files were chosen, for messages: flag, COMPOSE_FILE, or default names. */
  from: "flag" | "COMPOSE_FILE" | "default";
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/**
 * Which files make the project, as docker compose chooses them: the `-f` files; else
 * COMPOSE_FILE (split on COMPOSE_PATH_SEPARATOR, default ":"); else the first default name found
 * in the folder or the nearest one above, with its override file beside it.
 */
export function selectComposeFiles(opts: {
  cwd: string;
  files?: readonly string[];
  env: (name: string) => string | undefined;
  projectDirectory?: string;
  envFileOrigin?: string;
}): FileSelection {
  const missing = (file: string, from: string, location?: { file: string }) =>
    new StackError({
      code: "E_COMPOSE_FILE_MISSING",
      message: `${from} names ${file}, which does not exist`,
      location,
      hint: "check the path (it is relative to the folder the command runs in)",
    });
  if (opts.files && opts.files.length > 0) {
    const files = opts.files.map((f) => resolve(opts.cwd, f));
    files.forEach((f, i) => {
      if (!isFile(f)) throw missing(opts.files![i]!, "-f");
    });
    return { files, workingDir: opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : dirname(files[0]!), from: "flag" };
  }
  const composeFile = opts.env("COMPOSE_FILE");
  if (composeFile) {
    const sep = opts.env("COMPOSE_PATH_SEPARATOR") || (process.platform === "win32" ? ";" : ":");
    const base = opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : opts.cwd;
    const names = composeFile.split(sep).filter(Boolean);
    const files = names.map((f) => resolve(base, f));
    files.forEach((f, i) => {
      if (!isFile(f)) throw missing(names[i]!, "COMPOSE_FILE", opts.envFileOrigin ? { file: opts.envFileOrigin } : undefined);
    });
    return { files, workingDir: opts.projectDirectory ? base : dirname(files[0]!), from: "COMPOSE_FILE" };
  }
  for (let dir = resolve(opts.cwd); ; dir = dirname(dir)) {
    const main = DEFAULT_COMPOSE_FILES.map((n) => join(dir, n)).find(isFile);
    if (main) {
      const override = DEFAULT_OVERRIDE_FILES.map((n) => join(dir, n)).find(isFile);
      return { files: override ? [main, override] : [main], workingDir: opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : dir, from: "default" };
    }
    if (dirname(dir) === dir) break;
  }
  throw new StackError({
    code: "E_COMPOSE_NO_FILE",
    message: `no compose file here or above: looked for ${DEFAULT_COMPOSE_FILES.join(", ")}`,
    hint: "pass the files with -f, or set COMPOSE_FILE",
  });
}
