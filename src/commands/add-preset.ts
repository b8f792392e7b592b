import { formatPlan, planToJson } from "./format-plan.js";
import { runCompose } from "../dev/dev-context.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";
import { planAddPreset } from "../edit/plan-add-preset.js";
import { runningStack } from "../edit/running-stack.js";

export async function addPresetCommand(args: { C: string; name: string; replace?: string; dryRun: boolean; json: boolean }): Promise<void> {
  const out = (line: string) => !args.json && process.stdout.write(line + "\n");
  const { plan, written, next } = await withLockedProject(args.C, `dev add preset ${args.name}`, args, async (project) => {
    const next = planAddPreset(project, args.name, args.replace);
    const { plan, written } = await syncProject(next, { stackText: next.stackText, stackBase: project.parsed.text, dryRun: args.dryRun });
    out(formatPlan(plan));
    next.notes.forEach((n) => out(`note: ${n}`));
    if (args.dryRun) out("dry run: nothing was written");
    else {
      const ctx = await runningStack(next);
      if (ctx) {
        // compose recreates only what changed: the new preset, and services that gained its wiring.
        await runCompose(ctx, ["up", "-d", "--remove-orphans"], `starting ${args.name}`);
        out(`${args.name} started; services wired to it were recreated`);
      }
    }
    return { plan, written, next };
  });
  if (args.json) process.stdout.write(JSON.stringify({ ...planToJson(plan, written), notes: next.notes }, null, 2) + "\n");
}
