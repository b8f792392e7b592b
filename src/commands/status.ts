import { openDev } from "../dev/dev-context.js";
import { formatTable } from "../dev/service-table.js";
import { readDevEvents } from "../dev/dev-events.js";
import { readStatus } from "../dev/read-status.js";

/** `dev status`: the same model the dashboard shows (see dev/status-model.ts). */
export async function status(args: { C: string; json: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  const model = await readStatus(ctx, await readDevEvents(ctx.project.root));
  if (args.json) {
    process.stdout.write(JSON.stringify(model, null, 2) + "\n");
    return;
  }
  const rows = model.services;
  process.stdout.write(rows.length ? formatTable(rows) + "\n" : `${ctx.name} is not running (start it with: dev up)\n`);
}
