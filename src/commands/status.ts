import { openDev } from "../dev/dev-context.js";
import { formatTable, serviceRows, type ServiceRow } from "../dev/service-table.js";
import { readProjectEnv } from "../fs/read-env.js";
import { stackServices } from "../dev/stack-services.js";
import { readStateJson } from "../fs/state-dir.js";
import { RESTARTS_FILE } from "../dev/restart-counts.js";
import { proxyRoutes } from "../dev/proxy-routes.js";
import { readStoppedServices } from "../dev/stopped-services.js";

export async function status(args: { C: string; json: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  // inspect: exit code, start time and Docker's restart count are not in the list.
  const containers = await Promise.all((await ctx.engine.listContainers(ctx.name, { all: true })).map((c) => ctx.engine.inspect(c.id).catch(() => c)));
  const restarts = (await readStateJson<Record<string, number>>(ctx.project.root, RESTARTS_FILE)) ?? {};
  const rows = serviceRows(ctx.project, containers, await readProjectEnv(ctx.project.root), restarts, Date.now(), readStoppedServices(ctx.project.root));
  // A service of stack.yaml whose container was removed (docker rm) is still part of the stack.
  if (containers.length) {
    const have = new Set(containers.map((c) => c.service));
    const missing: ServiceRow[] = stackServices(ctx.project)
      .filter((s) => s.profiles.length === 0 && !have.has(s.name))
      .map((s) => ({ service: s.name, state: "missing", health: "-", ports: [] }));
    rows.push(...missing);
    rows.sort((a, b) => a.service.localeCompare(b.service));
  }
  // The routes the running proxy serves beside those on disk (they differ until it is reloaded).
  const routes = containers.length ? await proxyRoutes(ctx) : undefined;
  if (args.json) {
    process.stdout.write(JSON.stringify({ project: ctx.name, services: rows, ...(routes ? { proxyRoutes: routes } : {}) }, null, 2) + "\n");
    return;
  }
  process.stdout.write(rows.length ? formatTable(rows) + "\n" : `${ctx.name} is not running (start it with: dev up)\n`);
  if (routes?.stale) {
    process.stdout.write(`${routes.proxy} serves other routes (version ${routes.served}) than stack.yaml (version ${routes.expected}): dev sync reloads it\n`);
  }
}
