import { withProject } from "../dev/dev-context.js";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatPlan, planToJson } from "./format-plan.js";
import { stopTimeoutOf } from "../dev/restart/restart-service.js";
import { StackError } from "../errors/stack-error.js";
import { contentHash } from "../fs/content-hash.js";
import type { PlannedFile } from "../fs/plan.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";
import { planRemoveService } from "../edit/plan-remove-service.js";
import { reloadProxy, runningStack } from "../edit/running-stack.js";

export async function removeServiceCommand(args: { C: string; name: string; volumes: boolean; rmi?: boolean; deleteSource: boolean; dryRun: boolean; json: boolean }): Promise<void> {
  const out = (line: string) => !args.json && process.stdout.write(line + "\n");
  await withLockedProject(args.C, `dev remove service ${args.name}`, args, async (project) => {
    const removed = project.services.find((s) => s.name === args.name);
    const next = planRemoveService(project, args.name);
    // The source folder goes through the plan like every other change: listed by --dry-run and
    // --json, each file deleted only if it is still as it was read here.
    let deleted: string | undefined;
    let extra: PlannedFile[] = [];
    const path = removed?.preset ? removed.path : undefined;
    if (path && next.services.some((s) => s.path === path)) out(`kept ${path}: other services use it`);
    else if (path && args.deleteSource) {
      if (/^\.?\/*$/.test(path)) throw new StackError({ code: "E_DELETE_ROOT", message: `${args.name}'s path is the project root; --delete-source would delete the project`, hint: "delete its files yourself" });
      extra = sourceDeletes(project.root, path);
      deleted = path;
    } else if (path) out(`kept its source in ${path} (delete it yourself, or use --delete-source)`);
    // Its own Dockerfile's folder: the user's files, never ours to delete.
    if (!removed?.preset && removed?.build && args.deleteSource) out(`kept ${removed.build.context}: its own Dockerfile's folder is yours (--delete-source deletes only starter code create-stack wrote)`);

    // Its host port leaves .env too: nothing else reads it, and a later service may want the name.
    const dropEnvKeys = removed?.port !== undefined ? [`${removed.envName}_PORT`] : [];
    const { plan, written } = await syncProject(next, { stackText: next.stackText, stackBase: project.parsed.text, dryRun: args.dryRun, extra, dropEnvKeys });
    out(formatPlan(plan));
    [...next.notes, ...plan.notes].forEach((n) => out(`note: ${n}`));
    if (args.dryRun) {
      out("dry run: nothing was written or stopped");
      if (args.json) process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
      return;
    }
    if (deleted) out(`deleted ${deleted}`);
    const ctx = await runningStack(project);
    let stopped = 0;
    const images = new Set<string>();
    if (ctx) {
      for (const c of await ctx.engine.listContainers(ctx.name, { service: args.name, all: true })) {
        await ctx.engine.stop(c.id, { timeoutSeconds: removed ? stopTimeoutOf(removed) : 10 });
        await ctx.engine.remove(c.id, { volumes: args.volumes });
        if (removed?.preset || removed?.build) images.add(c.image);
        stopped++;
      }
      for (const image of args.rmi ? images : []) if (await ctx.engine.removeImage(image)) out(`removed its image ${image}`);
      if (!args.rmi && images.size) out(`kept its image ${[...images].join(", ")} (--rmi removes it)`);
      const reloaded = await reloadProxy(withProject(ctx, next));
      if (reloaded) out(`${reloaded} reloaded: the route is gone`);
    }
    if (stopped) out(`stopped and removed ${args.name}${args.volumes ? " and its anonymous volumes" : ""}`);
    if (args.json) process.stdout.write(JSON.stringify({ ...planToJson(plan, written), stopped, deleted, notes: next.notes }, null, 2) + "\n");
  });
}

/** Every file under a service's source folder, as deletes; links are deleted, never followed. */
function sourceDeletes(root: string, path: string): PlannedFile[] {
  const out: PlannedFile[] = [];
  const walk = (rel: string) => {
    const st = lstatSync(join(root, rel), { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink() && rel === path) {
      throw new StackError({ code: "E_SYMLINK", message: `${path} is a symbolic link; nothing was deleted`, hint: "delete the link yourself if that is what you want" });
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(join(root, rel))) walk(`${rel}/${name}`);
      return;
    }
    const content = st.isFile() ? readFileSync(join(root, rel), "utf8") : "";
    out.push({ path: rel, content: "", owner: "starter", action: "delete", base: st.isFile() ? contentHash(content) : undefined });
  };
  walk(path.replace(/\/+$/, ""));
  return out;
}
