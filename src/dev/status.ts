import { openDev } from "./dev-context.js";
import { formatTable, serviceRows } from "./service-table.js";
import { readProjectEnv } from "../fs/read-env.js";

export async function status(args: { C: string; json: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  const containers = await ctx.engine.listContainers(ctx.name, { all: true });
  const rows = serviceRows(ctx.project, containers, await readProjectEnv(ctx.project.root));
  if (args.json) {
    process.stdout.write(JSON.stringify({ project: ctx.name, services: rows }, null, 2) + "\n");
    return;
  }
  process.stdout.write(rows.length ? formatTable(rows) + "\n" : `${ctx.name} is not running (start it with: dev up)\n`);
}
