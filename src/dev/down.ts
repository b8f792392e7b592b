import { openDev, runCompose } from "./dev-context.js";

/** Stops and removes the stack's containers and networks (volumes too with --volumes). */
export async function down(args: { C: string; volumes: boolean }): Promise<void> {
  const ctx = await openDev(args.C);
  await runCompose(ctx, ["down", "--remove-orphans", ...(args.volumes ? ["--volumes"] : [])], "stopping the stack");
  process.stdout.write(`${ctx.name} stopped; containers and networks removed${args.volumes ? ", volumes removed" : " (volumes kept: dev down --volumes removes them)"}\n`);
}
