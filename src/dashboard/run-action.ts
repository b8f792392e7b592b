import { withProject, type DevContext } from "../dev/dev-context.js";
import { buildServices, restartServices, startServices, stopServices } from "../dev/service-actions.js";
import { loadProject } from "../stack/load-project.js";

export const SERVICE_ACTIONS = ["restart", "rebuild", "stop", "start"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

/**
 * A dashboard button: the same operation as `dev restart|build|stop|start SERVICE`, on the
 * project as stack.yaml now is. Resolves with what it printed.
 */
export async function runAction(opened: DevContext, service: string, action: ServiceAction): Promise<string> {
  const ctx = withProject(opened, loadProject(opened.project.root));
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const run = { restart: restartServices, rebuild: buildServices, stop: stopServices, start: startServices }[action];
  await run(ctx, [service], log, { by: "dashboard" });
  return lines.join("\n");
}
