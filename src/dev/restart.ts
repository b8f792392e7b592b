import { unknownServiceError } from "../errors/stack-error.js";
import { openDev } from "./dev-context.js";
import { restartService } from "./restart-service.js";
import { readProjectEnv } from "../fs/read-env.js";

/** `dev restart SERVICE...`: an Engine API restart of the containers (never an in-place reload), with its timing. */
export async function restart(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  const byName = new Map(ctx.project.services.map((s) => [s.name, s]));
  const unknown = args.services.filter((s) => !byName.has(s));
  if (unknown.length) {
    throw unknownServiceError(unknown, byName.keys());
  }
  const env = await readProjectEnv(ctx.project.root);
  await Promise.all(
    args.services.map(async (name) => {
      const out = await restartService(ctx, byName.get(name)!, { rebuild: false, env, container: true });
      process.stdout.write(`${name} restarted in ${out.seconds.toFixed(2)} s\n`);
    }),
  );
}
