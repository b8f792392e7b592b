import { contentHash } from "../fs/content-hash.js";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { findStackRoot } from "../stack/find-stack.js";
import { loadProject, type Project } from "../stack/load-project.js";
import { assertNoConflicts } from "./diff-plan.js";
import type { Plan } from "./plan.js";
import { planProject } from "./plan-project.js";

export interface SyncResult {
  plan: Plan;
  written: string[];
}

/**
 * Brings the generated files up to date with stack.yaml. Refuses, writing nothing, when a
 * generated file was edited by hand. `stackText` is given by commands that change stack.yaml.
 * Writing callers hold the project lock (withLockedProject).
 */
export async function syncProject(project: Project, opts: { stackText?: string; stackBase?: string; dryRun?: boolean; extra?: Plan["files"] } = {}): Promise<SyncResult> {
  const plan = await planProject({
    root: project.root,
    stack: project.parsed.config,
    presets: project.presets,
    reader: diskReader(project.root),
    stackText: opts.stackText,
  });
  if (opts.extra) plan.files.push(...opts.extra);
  // The edit was made to the stack.yaml read at the start: if an editor saved another version
  // since, the flush refuses rather than write over that save.
  const stackFile = plan.files.find((f) => f.path === "stack.yaml");
  if (stackFile && opts.stackBase !== undefined && stackFile.base !== undefined) stackFile.base = contentHash(opts.stackBase);
  assertNoConflicts(plan);
  const written = opts.dryRun ? [] : await flushPlan(plan);
  return { plan, written };
}

/**
 * A writing command's frame: under the project lock, stack.yaml is read (after any interrupted
 * write was recovered), then `fn` plans and flushes. A dry run only reads, so it takes no lock.
 */
export async function withLockedProject<T>(cwd: string, what: string, opts: { dryRun?: boolean }, fn: (project: Project) => Promise<T>): Promise<T> {
  if (opts.dryRun) return fn(loadProject(cwd));
  return withProjectWrite(findStackRoot(cwd), what, async () => fn(loadProject(cwd)));
}
