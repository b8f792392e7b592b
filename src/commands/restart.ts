import { openDev } from "../dev/dev-context.js";
import { restartServices } from "../dev/service-actions.js";
import { withProjectLock } from "../fs/project-lock.js";

/**
 * `dev restart SERVICE...`: an Engine API restart of the containers (never an in-place reload),
 * waiting until each serves again, with its timing. Any service of the stack: its own services
 * and the presets' (postgres, nginx, ...). Under the project lock: a `dev up` watching elsewhere
 * sees the stops are this command's, not crashes.
 */
export async function restart(args: { C: string; services: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  await withProjectLock(ctx.project.root, `dev restart ${args.services.join(" ")}`, () => restartServices(ctx, args.services, (line) => process.stdout.write(line + "\n")), {
    onWait: (holder) => process.stderr.write(`waiting for another command writing this project: ${holder}\n`),
  });
}
