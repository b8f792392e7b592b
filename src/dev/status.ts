import { openDev } from "./dev-context.js";
import { formatTable, serviceRows, type ServiceRow } from "./service-table.js";
import { readProjectEnv } from "../fs/read-env.js";
import { stackServices } from "./stack-services.js";

export async function status(args: { C: string; json: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  const containers = await ctx.engine.listContainers(ctx.name, { all: true });
  const rows = serviceRows(ctx.project, containers, await readProjectEnv(ctx.project.root));
  // A service of stack.yaml whose container was removed (docker rm) is still part of the stack.
  if (containers.length) {
    const have = new Set(containers.map((c) => c.service));
    const missing: ServiceRow[] = stackServices(ctx.project)
      .filter((s) => s.profiles.length === 0 && !have.has(s.name))
      .map((s) => ({ service: s.name, state: "missing", health: "-", ports: [] }));
    rows.push(...missing);
    rows.sort((a, b) => a.service.localeCompare(b.service));
  }
  if (args.json) {
    process.stdout.write(JSON.stringify({ project: ctx.name, services: rows }, null, 2) + "\n");
    return;
  }
  process.stdout.write(rows.length ? formatTable(rows) + "\n" : `${ctx.name} is not running (start it with: dev up)\n`);
}
