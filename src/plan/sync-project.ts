import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { writeSchemaCopy } from "../fs/state-dir.js";
import type { Project } from "../stack/load-project.js";
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
 */
export async function syncProject(project: Project, opts: { stackText?: string; dryRun?: boolean } = {}): Promise<SyncResult> {
  const plan = await planProject({
    root: project.root,
    stack: project.parsed.config,
    presets: project.presets,
    reader: diskReader(project.root),
    stackText: opts.stackText,
  });
  assertNoConflicts(plan);
  const written = opts.dryRun ? [] : await flushPlan(plan);
  if (!opts.dryRun) await writeSchemaCopy(project.root);
  return { plan, written };
}
