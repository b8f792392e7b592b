import type { Project } from "../stack/load-project.js";
import { DEFAULT_IGNORES } from "../watch/default-ignores.js";
import { readGitignore } from "../watch/read-gitignore.js";

/** What the watcher skips: the usual noise, what .gitignore ignores, and stack.yaml's extras. */
export function watchIgnores(project: Project): string[] {
  return [...DEFAULT_IGNORES, ...readGitignore(project.root), ...project.parsed.config.ignore];
}
