import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The project's .gitignore as watcher globs. Covers the common forms (comments, `dir/`, `*.ext`,
 * anchored `/path`); negations (`!keep.me`) are dropped: ignoring a little too much would only
 * miss a restart for a file git does not track anyway.
 */
export function readGitignore(root: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(root, ".gitignore"), "utf8");
  } catch {
    return [];
  }
  return gitignoreToGlobs(text);
}

export function gitignoreToGlobs(text: string): string[] {
  const globs: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const dir = line.endsWith("/");
    line = line.replace(/\/+$/, "");
    // A slash at the start or inside anchors the pattern at the root (a trailing one was taken off).
    const anchored = line.includes("/");
    line = line.replace(/^\//, "");
    const base = anchored ? line : `**/${line}`;
    globs.push(dir ? `${base}/**` : base, ...(dir ? [] : [`${base}/**`]));
  }
  return globs;
}
