import { openDev } from "../dev/dev-context.js";
import { restartServices } from "../dev/service-actions.js";

/**
 * `dev restart SERVICE...`: an Engine API restart of the containers (never an in-place reload),
 * waiting until each serves again, with its timing. Any service of the stack: its own services
 * and the presets' (postgres, nginx, ...). Under each service's lock (service-lock.ts): a `dev up`
 * watching elsewhere sees the stops are this command's, not crashes, and a second operation on
 * the same service waits for this one.
 */
export async function restart(args: { C: string; services: string[] }): Promise<void> {
  await restartServices(await openDev(args.C), args.services, (line) => process.stdout.write(line + "\n"));
}
