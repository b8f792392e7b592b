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
