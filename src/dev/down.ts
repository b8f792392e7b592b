import { openDev, runCompose } from "./dev-context.js";
import { stackServices } from "./stack-services.js";
import { recordStopped } from "./stopped-services.js";

/** Stops and removes the stack's containers and networks (volumes too with --volumes, built images with --rmi). */
export async function down(args: { C: string; volumes: boolean; rmi?: "local" | "all" }): Promise<void> {
  const ctx = await openDev(args.C);
  // Recorded first: a `dev up` watching from another terminal leaves them down (the next
  // `dev up` takes them off the list again).
  await recordStopped(ctx.project.root, stackServices(ctx.project).map((s) => s.name), true);
  await runCompose(ctx, ["down", "--remove-orphans", ...(args.volumes ? ["--volumes"] : []), ...(args.rmi ? ["--rmi", args.rmi] : [])], "stopping the stack");
  const removed = ["containers and networks removed", args.volumes ? "volumes removed" : "", args.rmi ? `${args.rmi === "local" ? "built" : "all its"} images removed` : ""].filter(Boolean);
  const kept = [args.volumes ? "" : "dev down --volumes removes the data volumes", args.rmi ? "" : "--rmi local the images built for it"].filter(Boolean);
  process.stdout.write(`${ctx.name} stopped; ${removed.join(", ")}${kept.length ? ` (kept: ${kept.join("; ")})` : ""}\n`);
}
