import { unknownServiceError } from "../errors/stack-error.js";
import { openDev } from "../dev/dev-context.js";
import { restartService } from "../dev/restart/restart-service.js";
import { restartStackService } from "../dev/restart/restart-stack-service.js";
import { knownServices } from "../dev/service-names.js";
import { readProjectEnv } from "../fs/read-env.js";

/**
 * `dev restart SERVICE...`: an Engine API restart of the containers (never an in-place reload),
 * waiting until each serves again, with its timing. Any service of the stack: its own services
 * and the presets' (postgres, nginx, ...).
 */
export async function restart(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  const apps = new Map(ctx.project.services.map((s) => [s.name, s]));
  const known = knownServices(ctx);
  const unknown = args.services.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw unknownServiceError(unknown, known);
  }
  const env = await readProjectEnv(ctx.project.root);
  await Promise.all(
    args.services.map(async (name) => {
      const app = apps.get(name);
      const seconds = app ? (await restartService(ctx, app, { rebuild: false, env, container: true })).seconds : await restartStackService(ctx, name, env);
      process.stdout.write(`${name} restarted in ${seconds.toFixed(2)} s\n`);
    }),
  );
}
