import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";

/** What is on disk for a new service's source, looked at before planning (planning stays pure). */
export interface SourceFacts {
  /** The folder, project-relative with forward slashes ("../x" when it lies outside). */
  path: string;
  exists: boolean;
  isFolder: boolean;
  /** `<path>/Dockerfile` exists. */
  hasDockerfile: boolean;
  /** --dockerfile, project-relative, and whether it exists. */
  dockerfile?: { path: string; exists: boolean };
  /** The first port the Dockerfile EXPOSEs, a default for --port. */
  exposedPort?: number;
}

/** A path the user typed, relative to the project root (absolute ones are made relative). */
export function projectRelative(root: string, path: string): string {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  return rel.split(sep).join("/").replace(/^\.\/+/, "").replace(/\/+$/, "") || ".";
}

export function lookAtSource(root: string, folder: string, dockerfile?: string): SourceFacts {
  const path = projectRelative(root, folder);
  const full = join(root, path);
  const exists = existsSync(full);
  const isFolder = exists && statSync(full).isDirectory();
  const hasDockerfile = isFolder && existsSync(join(full, "Dockerfile"));
  const df = dockerfile !== undefined ? projectRelative(root, dockerfile) : undefined;
  const dfExists = df !== undefined && existsSync(join(root, df)) && statSync(join(root, df)).isFile();
  const which = df && dfExists ? join(root, df) : hasDockerfile ? join(full, "Dockerfile") : undefined;
  return {
    path,
    exists,
    isFolder,
    hasDockerfile,
    dockerfile: df !== undefined ? { path: df, exists: dfExists } : undefined,
    exposedPort: which ? exposedPort(readFileSync(which, "utf8")) : undefined,
  };
}

/** `EXPOSE 3000` or `EXPOSE 3000/tcp 9229`: the first port. */
export function exposedPort(dockerfile: string): number | undefined {
  const m = /^\s*EXPOSE\s+(\d+)/im.exec(dockerfile);
  const port = m ? Number(m[1]) : undefined;
  return port && port <= 65535 ? port : undefined;
}
