import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, posix, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SKIP = new Set([".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"]);

/**
 * The tag rule for images we build, per build folder. Committed: the commit (12 hex digits).
 * Uncommitted changes in that folder: `<commit>-dirty-<hash>`; no git: `nogit-<hash>`, where the
 * hash covers the folder's files, so an untouched folder keeps its tag (and its running tasks)
 * and any edit gives a new one.
 */
export async function imageTags(root: string, contexts: Record<string, string>): Promise<{ tags: Record<string, string>; rule: string }> {
  // The project's folder in the repository ("" at its root), then the commit.
  const [prefix, commit] = (await git(root, ["rev-parse", "--show-prefix", "--short=12", "HEAD"]))?.split("\n") ?? [];
  // Only the build folder counts: exported files or another service's edits leave this tag alone.
  // One `git status` for every folder (one per folder cost a 50-service export more than the rest).
  const dirty = commit ? await dirtyContexts(root, prefix ?? "", [...new Set(Object.values(contexts))]) : new Set<string>();
  const tags: Record<string, string> = {};
  const byContext = new Map<string, string>();
  const rules = new Set<string>();
  for (const [svc, context] of Object.entries(contexts)) {
    if (!byContext.has(context)) {
      if (commit && !dirty.has(context)) {
        byContext.set(context, commit);
        rules.add(`git commit ${commit}`);
      } else {
        byContext.set(context, `${commit ? `${commit}-dirty` : "nogit"}-${await hashFolder(join(root, context))}`);
        rules.add(commit ? `uncommitted changes: commit ${commit}, -dirty-, a hash of the build folder` : "no git: nogit- and a hash of the build folder");
      }
    }
    tags[svc] = byContext.get(context)!;
  }
  return { tags, rule: [...rules].join("; ") || "no images to build" };
}

/** The build folders (project-relative) with uncommitted changes, untracked files included. */
async function dirtyContexts(root: string, prefix: string, contexts: string[]): Promise<Set<string>> {
  const inRepo = new Map(contexts.map((c) => [c, posix.normalize(posix.join(prefix, c)).replace(/\/$/, "")]));
  // Unknown (a folder outside the repository, or git failed): dirty, so the tag never claims a commit.
  const outside = contexts.filter((c) => inRepo.get(c)!.startsWith(".."));
  const inside = contexts.filter((c) => !outside.includes(c));
  const status = inside.length ? await git(root, ["status", "--porcelain", "-z", "--untracked-files=normal", "--", ...inside]) : "";
  if (status === undefined) return new Set(contexts);
  // -z: "XY path", a rename's or copy's source as the next field; paths from the repository root.
  const paths = status.split("\0").filter(Boolean).map((entry) => (/^[ MTADRCU?!]{2} /.test(entry) ? entry.slice(3) : entry));
  const under = (path: string, folder: string) => folder === "." || path === folder || path.startsWith(`${folder}/`);
  return new Set([...outside, ...inside.filter((c) => paths.some((p) => under(p, inRepo.get(c)!)))]);
}

async function git(root: string, args: string[]): Promise<string | undefined> {
  try {
    return (await run("git", args, { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout;
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
