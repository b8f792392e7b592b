import type { DevContext } from "./dev-context.js";
import type { ContainerInfo } from "../engine/engine.js";
import { readProjectEnv } from "../fs/read-env.js";
import { readStateJson } from "../fs/state-dir.js";
import { RESTARTS_FILE } from "./restart-counts.js";
import type { DevEvent } from "./dev-events.js";
import { statusModel, type StatusModel } from "./status-model.js";
import { readStoppedServices } from "./stopped-services.js";

/**
 * Reads what the status model needs from the engine and the state folder. Inspected, not only
 * listed: exit code, start time and Docker's restart count are not in the list. `listed`: the
 * project's containers (all of them, stopped too) when the caller has listed them already.
 */
export async function readStatus(ctx: DevContext, events: DevEvent[], listed?: ContainerInfo[]): Promise<StatusModel> {
  const containers = await Promise.all((listed ?? (await ctx.engine.listContainers(ctx.name, { all: true }))).map((c) => ctx.engine.inspect(c.id).catch(() => c)));
  const restarts = (await readStateJson<Record<string, number>>(ctx.project.root, RESTARTS_FILE)) ?? {};
  const env = await readProjectEnv(ctx.project.root);
  return statusModel({
    project: ctx.project,
    containers,
    proxyPort: env.get("PROXY_PORT"),
    httpsPort: env.get("PROXY_HTTPS_PORT"),
    restarts,
    events,
    stopped: readStoppedServices(ctx.project.root),
  });
}
