import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import dockerignoreModule from "@balena/dockerignore";

// A CommonJS module whose types say `export default`: the default import is the function itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

/** Files up to this size are hashed by content; larger ones by size and modification time. */
const CONTENT_LIMIT = 1 << 20;

/**
 * A digest of what a build sends to the builder: every file of the context that .dockerignore
 * lets through (path, mode, content), the Dockerfile and the ignore file themselves. Docker's
 * ignore rules are applied by @balena/dockerignore (moby's semantics, `!` exceptions included).
 * `undefined` when the context is not a local folder, has a Dockerfile-specific ignore file
 * (`Dockerfile.dockerignore`: BuildKit reads it, the classic builder does not) or cannot be read
 * whole: the caller builds.
 */
export function buildContextDigest(context: string, dockerfile: string): string | undefined {
  if (!isDirectory(context) || existsSync(`${dockerfile}.dockerignore`)) return undefined;
  const hash = createHash("sha256");
  const ignoreFile = join(context, ".dockerignore");
  const ignoreText = existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : "";
  const ig = dockerignore().add(ignoreText.split(/\r?\n/));
  // With an exception (`!keep/this`), an ignored folder may still hold files that are sent.
  const prune = !ignoreText.split(/\r?\n/).some((l) => l.trim().startsWith("!"));
  hash.update(`dockerignore\0${ignoreText}\0`);
  hash.update(`dockerfile\0${existsSync(dockerfile) ? readFileSync(dockerfile, "utf8") : "(missing)"}\0`);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      if (st.isDirectory()) {
        if (prune && ig.ignores(relPath)) continue;
        hash.update(`d\0${relPath}\0${st.mode}\0`);
        walk(path, relPath);
        continue;
      }
      if (ig.ignores(relPath)) continue;
      if (st.isSymbolicLink()) hash.update(`l\0${relPath}\0${readlinkSync(path)}\0`);
      else if (st.size <= CONTENT_LIMIT) hash.update(`f\0${relPath}\0${st.mode}\0${st.size}\0`).update(readFileSync(path));
      else hash.update(`F\0${relPath}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0`);
    }
  };
  try {
    walk(context, "");
  } catch {
    // A file gone while walking (an editor's temp file), a folder not readable here (written by a
    // container as root): what is sent cannot be told, so the caller builds.
    return undefined;
  }
  return hash.digest("hex");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
