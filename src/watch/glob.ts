import picomatch from "picomatch";

/**
 * Ignore globs (`**`, `*`, `?`, braces, classes) as one predicate over root-relative paths, for
 * the events we filter and the polling backend. picomatch is what @parcel/watcher itself matches
 * with, so both backends read a glob the same way; `dot` because `.git` and `.venv` are folders
 * like any other here.
 */
export function ignoreMatcher(globs: string[]): (relPath: string) => boolean {
  return globs.length ? picomatch(globs, { dot: true }) : () => false;
}

/**
 * Globs read in order, the last that matches deciding, as .dockerignore reads them: `!glob`
 * takes back what the globs before it matched. `["app/**", "!app/src/**", "app/src/requirements.txt"]`
 * is everything in app/ but its mounted src/, the manifest there included again. Without a `!`
 * it is ignoreMatcher.
 */
export function orderedMatcher(globs: string[]): (relPath: string) => boolean {
  if (!globs.some((g) => g.startsWith("!"))) return ignoreMatcher(globs);
  const steps = globs.map((g) => ({ keep: !g.startsWith("!"), match: picomatch(g.replace(/^!/, ""), { dot: true }) }));
  return (relPath) => {
    let matched = false;
    for (const s of steps) if (s.match(relPath)) matched = s.keep;
    return matched;
  };
}
