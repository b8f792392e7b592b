import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SKIP = new Set([".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"]);

/**
 * The tag rule for images we build. A clean git checkout: the commit (12 hex digits), the same
 * for every service. Uncommitted changes: `<commit>-dirty-<hash>`; no git: `nogit-<hash>`, where
 * the hash covers the files of that service's build folder, so an untouched service keeps its tag
 * (and its running tasks) and any edit gives a new one.
 */
export async function imageTags(root: string, contexts: Record<string, string>): Promise<{ tags: Record<string, string>; rule: string }> {
  const commit = await git(root, ["rev-parse", "--short=12", "HEAD"]);
  const dirty = commit !== undefined && (await git(root, ["status", "--porcelain", "--untracked-files=normal"])) !== "";
  const tags: Record<string, string> = {};
  if (commit && !dirty) {
    for (const svc of Object.keys(contexts)) tags[svc] = commit;
    return { tags, rule: `git commit ${commit}` };
  }
  const hashes = new Map<string, string>();
  for (const [svc, context] of Object.entries(contexts)) {
    if (!hashes.has(context)) hashes.set(context, await hashFolder(join(root, context)));
    tags[svc] = `${commit ? `${commit}-dirty` : "nogit"}-${hashes.get(context)}`;
  }
  return { tags, rule: commit ? `uncommitted changes: commit ${commit} plus a hash of each build folder` : "no git: a hash of each build folder" };
}

async function git(root: string, args: string[]): Promise<string | undefined> {
  try {
    return (await run("git", args, { cwd: root })).stdout.trim();
  } catch {
    return undefined;
  }
}

async function hashFolder(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) hash.update(relative(dir, full)).update("\0").update(await readFile(full)).update("\0");
    }
  };
  await walk(dir);
  return hash.digest("hex").slice(0, 12);
}
