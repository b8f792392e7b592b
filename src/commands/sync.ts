import { formatPlan, planToJson } from "./format-plan.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";

export async function sync(args: { C: string; dryRun: boolean; json: boolean }): Promise<void> {
  const { plan, written } = await withLockedProject(args.C, "dev sync", args, (project) => syncProject(project, { dryRun: args.dryRun }));
  if (args.json) {
    process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
    return;
  }
  const text = formatPlan(plan);
  process.stdout.write((text || "everything is up to date") + (args.dryRun ? "\ndry run: nothing was written" : "") + "\n");
  for (const note of plan.notes) process.stdout.write(`note: ${note}\n`);
}
