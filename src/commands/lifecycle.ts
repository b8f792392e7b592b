import { openDev } from "../dev/dev-context.js";
import { buildServices, startServices, stopServices } from "../dev/service-actions.js";

const log = (line: string) => process.stdout.write(line + "\n");

/** `dev stop [SERVICE...]`: see stopServices; the dashboard's Stop does the same. */
export async function stop(args: { C: string; services: string[] }): Promise<void> {
  await stopServices(await openDev(args.C), args.services, log);
}

/** `dev start [SERVICE...]`: starts stopped services (creating missing containers), waits for health. */
export async function start(args: { C: string; services: string[] }): Promise<void> {
  await startServices(await openDev(args.C), args.services, log);
}

/** `dev build [SERVICE...]`: builds images (progress shown); running services are recreated on the new image. */
export async function build(args: { C: string; services: string[] }): Promise<void> {
  await buildServices(await openDev(args.C), args.services, log);
}
