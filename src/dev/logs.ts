import { unknownServiceError } from "../errors/stack-error.js";
import { openDev } from "./dev-context.js";

const COLOURS = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];

/** `dev logs`: every service's lines, prefixed with its name, coloured on a terminal. */
export async function logs(args: { C: string; services: string[]; follow: boolean; tail: number }): Promise<void> {
  const ctx = await openDev(args.C);
  const all = await ctx.engine.listContainers(ctx.name, { all: true });
  const known = new Set(all.map((c) => c.service));
  const unknown = args.services.filter((s) => !known.has(s));
  if (unknown.length) {
    throw unknownServiceError(unknown, known, known.size ? `services with a container: ${[...known].join(", ")}` : "start the stack with: dev up");
  }
  const chosen = all.filter((c) => args.services.length === 0 || args.services.includes(c.service)).sort((a, b) => a.service.localeCompare(b.service));
  const width = Math.max(...chosen.map((c) => c.service.length), 1);
  const colour = process.stdout.isTTY && !process.env.NO_COLOR;
  const prefix = (service: string, i: number) => {
    const label = `${service.padEnd(width)} |`;
    return colour ? `\x1b[${COLOURS[i % COLOURS.length]}m${label}\x1b[0m ` : `${label} `;
  };
  if (!args.follow) {
    for (const [i, c] of chosen.entries()) {
      for (const line of await ctx.engine.logs(c.id, { tail: args.tail })) process.stdout.write(prefix(c.service, i) + line + "\n");
    }
    return;
  }
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await Promise.all(
    chosen.map((c, i) => ctx.engine.followLogs(c.id, (line) => process.stdout.write(prefix(c.service, i) + line + "\n"), controller.signal, { tail: args.tail })),
  );
}
