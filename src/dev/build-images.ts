import { composeBuildArgs, runCompose, type DevContext } from "./dev-context.js";
import { recordBuilt, serviceBuilds, staleBuilds } from "./image-builds.js";

export interface BuildImagesOptions {
  /** What is being built, for the error: "building api". */
  what: string;
  /** Build only the images missing or older than their inputs (dev up); otherwise all asked for. */
  onlyStale?: boolean;
  /** Each line compose prints (build progress). */
  onLine?: (line: string) => void;
}

/**
 * The one way images are built (dev up, dev build, the watcher's rebuild, a service added while
 * watching): compose builds the services' images (none named: all of the stack's), with
 * --force-rm, and what each was built from is recorded, so the next `dev up` builds none of them
 * again. Resolves with the services built. When the compose files cannot be read here, compose
 * builds all it is asked to, as it knows best, and nothing is recorded.
 */
export async function buildImages(ctx: DevContext, services: readonly string[], opts: BuildImagesOptions): Promise<string[]> {
  const root = ctx.project.root;
  const builds = await serviceBuilds(root, ctx.name, await ctx.compose(), ctx.engine, services.length ? new Set(services) : undefined);
  const toBuild = builds && opts.onlyStale ? await staleBuilds(root, ctx.engine, builds) : builds;
  if (opts.onlyStale && toBuild?.length === 0) return [];
  const names = opts.onlyStale && toBuild ? toBuild.map((b) => b.service) : [...services];
  await runCompose(ctx, composeBuildArgs(names), opts.what, { code: "E_BUILD", onLine: opts.onLine });
  // The record is read again after the build: another command may have built meanwhile.
  if (toBuild) await recordBuilt(root, ctx.engine, toBuild);
  return toBuild ? toBuild.map((b) => b.service) : names;
}
