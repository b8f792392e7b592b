import { formatPlan, planToJson } from "./format-plan.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";
import { runningStack } from "../edit/running-stack.js";
import { proxyReloadedLine, reloadProxyIfStale } from "../dev/proxy-routes.js";

export async function sync(args: { C: string; dryRun: boolean; json: boolean }): Promise<void> {
  const { plan, written, proxyReloaded } = await withLockedProject(args.C, "dev sync", args, async (project) => {
    const synced = await syncProject(project, { dryRun: args.dryRun });
    // The files can be current while the running proxy is not (a `dev add` whose build failed
    // wrote the new routes; nothing reloaded them): a running stack's proxy gets them too.
    const ctx = args.dryRun ? undefined : await runningStack(project);
    return { ...synced, proxyReloaded: ctx ? await reloadProxyIfStale(ctx) : undefined };
  });
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...planToJson(plan, written), ...(proxyReloaded ? { proxyReloaded } : {}) }, null, 2) + "\n");
    return;
  }
  const text = formatPlan(plan);
  const reloaded = proxyReloaded ? proxyReloadedLine(proxyReloaded) : "";
  process.stdout.write([text, reloaded].filter(Boolean).join("\n") || "everything is up to date");
  process.stdout.write((args.dryRun ? "\ndry run: nothing was written" : "") + "\n");
  for (const note of plan.notes) process.stdout.write(`note: ${note}\n`);
}
