import { readFile, rm } from "node:fs/promises";
import { atomicWriteFile } from "../fs/atomic-write.js";
import { join, relative } from "node:path";
import { formatPlan, planToJson } from "../cli/format-plan.js";
import { stopTimeoutOf } from "../dev/restart-service.js";
import { syncProject } from "../plan/sync-project.js";
import { loadProject } from "../stack/load-project.js";
import { planRemoveService } from "./plan-remove-service.js";
import { reloadNginx, runningStack } from "./running-stack.js";

export async function removeServiceCommand(args: { C: string; name: string; volumes: boolean; rmi?: boolean; deleteSource: boolean; dryRun: boolean; json: boolean }): Promise<void> {
  const project = loadProject(args.C);
  const removed = project.services.find((s) => s.name === args.name);
  const next = planRemoveService(project, args.name);
  const { plan, written } = await syncProject(next, { stackText: next.stackText, dryRun: args.dryRun });
  const out = (line: string) => !args.json && process.stdout.write(line + "\n");
  out(formatPlan(plan));
  next.notes.forEach((n) => out(`note: ${n}`));
  if (args.dryRun) {
    out("dry run: nothing was written or stopped");
    if (args.json) process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
    return;
  }
  // Its host port leaves .env too: nothing else reads it, and a later service may want the name.
  if (removed?.port !== undefined && (await dropEnvKey(project.root, `${removed.envName}_PORT`))) out(`removed ${removed.envName}_PORT from .env`);
  const ctx = await runningStack(project);
  let stopped = 0;
  const images = new Set<string>();
  if (ctx) {
    for (const c of await ctx.engine.listContainers(ctx.name, { service: args.name, all: true })) {
      await ctx.engine.stop(c.id, { timeoutSeconds: removed ? stopTimeoutOf(removed) : 10 });
      await ctx.engine.remove(c.id, { volumes: args.volumes });
      if (removed?.preset) images.add(c.image);
      stopped++;
    }
    for (const image of args.rmi ? images : []) if (await ctx.engine.removeImage(image)) out(`removed its image ${image}`);
    if (!args.rmi && images.size) out(`kept its image ${[...images].join(", ")} (--rmi removes it)`);
    ctx.project = next;
    if (await reloadNginx(ctx)) out("nginx reloaded: the route is gone");
  }
  if (stopped) out(`stopped and removed ${args.name}${args.volumes ? " and its anonymous volumes" : ""}`);

  let deleted: string | undefined;
  const path = removed?.preset ? removed.path : undefined;
  if (path && next.services.some((s) => s.path === path)) out(`kept ${path}: other services use it`);
  else if (path && args.deleteSource) {
    const full = join(project.root, path);
    if (!relative(project.root, full).startsWith("..")) {
      await rm(full, { recursive: true, force: true });
      deleted = path;
      out(`deleted ${path}`);
    }
  } else if (path) out(`kept its source in ${path} (delete it yourself, or use --delete-source)`);
  if (args.json) process.stdout.write(JSON.stringify({ ...planToJson(plan, written), stopped, deleted, notes: next.notes }, null, 2) + "\n");
}

/** Drops KEY=... from .env (mode kept private); true when it was there. */
async function dropEnvKey(root: string, key: string): Promise<boolean> {
  const file = join(root, ".env");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return false;
  const lines = text.split("\n");
  const kept = lines.filter((l) => !l.startsWith(`${key}=`));
  if (kept.length === lines.length) return false;
  await atomicWriteFile(file, kept.join("\n"), 0o600);
  return true;
}
