import { openDev } from "../dev/dev-context.js";
import { formatTable } from "../dev/service-table.js";
import { readDevEvents } from "../dev/dev-events.js";
import { readStatus } from "../dev/read-status.js";
import { proxyRoutes } from "../dev/proxy-routes.js";

/** `dev status`: the same model the dashboard shows (see dev/status-model.ts). */
export async function status(args: { C: string; json: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  // Listed once: the model and the proxy's routes both read it.
  const listed = await ctx.engine.listContainers(ctx.name, { all: true });
  const model = await readStatus(ctx, await readDevEvents(ctx.project.root), listed);
  const rows = model.services;
  // The routes the running proxy serves beside those on disk (they differ until it is reloaded).
  const routes = rows.some((r) => r.state !== "missing") ? await proxyRoutes(ctx, listed) : undefined;
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...model, ...(routes ? { proxyRoutes: routes } : {}) }, null, 2) + "\n");
    return;
  }
  process.stdout.write(rows.length ? formatTable(rows) + "\n" : `${ctx.name} is not running (start it with: dev up)\n`);
  if (routes?.stale) {
    process.stdout.write(`${routes.proxy} serves other routes (version ${routes.served}) than stack.yaml (version ${routes.expected}): dev sync reloads it\n`);
  }
}
