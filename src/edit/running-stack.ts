import { connectDev, type DevContext } from "../dev/dev-context.js";
import type { Project } from "../stack/load-project.js";

/**
 * The stack's dev context if it is running now, else undefined: `dev add` and `dev remove` change
 * the files either way, and touch containers only when there are some. No engine means not running.
 */
export async function runningStack(project: Project): Promise<DevContext | undefined> {
  const ctx = connectDev(project);
  try {
    await ctx.engine.ping();
  } catch {
    return undefined;
  }
  return (await ctx.engine.listContainers(ctx.name)).length > 0 ? ctx : undefined;
}

export { reloadProxy } from "../dev/proxy-routes.js";
