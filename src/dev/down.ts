import { openDev, runCompose } from "./dev-context.js";
import { stackServices } from "./stack-services.js";
import { recordStopped } from "./stopped-services.js";

/** Stops and removes the stack's containers and networks (volumes too with --volumes). */
export async function down(args: { C: string; volumes: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  // Recorded first: a `dev up` watching from another terminal leaves them down.
  await recordStopped(ctx.project.root, stackServices(ctx.project).map((s) => s.name), true);
  await runCompose(ctx, ["down", "--remove-orphans", ...(args.volumes ? ["--volumes"] : [])], "stopping the stack");
  process.stdout.write(`${ctx.name} stopped; containers and networks removed${args.volumes ? ", volumes removed" : " (volumes kept: dev down --volumes removes them)"}\n`);
}
