import { StackError } from "../errors/stack-error.js";
import { openDev, runComposeInteractive, type DevContext } from "./dev-context.js";
import { assertKnownServices } from "./service-names.js";

/** Without a terminal (a pipe, CI) compose must not ask for a TTY. */
export const ttyArgs = (): string[] => (process.stdin.isTTY && process.stdout.isTTY ? [] : ["-T"]);

// bash where the image has it, else sh: slim images often lack bash.
const SHELL = ["sh", "-c", 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

async function running(ctx: DevContext, service: string): Promise<void> {
  const list = await ctx.engine.listContainers(ctx.name, { service });
  if (list.length === 0) {
    throw new StackError({ code: "E_NOT_RUNNING", message: `${service} is not running`, hint: `start it with: dev start ${service} (or dev up); dev run ${service} CMD runs a one-off container`, exitCode: 1 });
  }
}

/** Exit codes pass through: `dev exec api pytest` fails when the tests do. */
function passExit(code: number): void {
  if (code !== 0) process.exitCode = code < 0 ? 1 : code;
}

/** `dev exec SERVICE [CMD...]`: a command (default: a shell) in the running service. */
export async function exec(args: { C: string; service: string; cmd: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  assertKnownServices(ctx, [args.service]);
  await running(ctx, args.service);
  passExit(await runComposeInteractive(ctx, ["exec", ...ttyArgs(), args.service, ...(args.cmd.length ? args.cmd : SHELL)]));
}

/** `dev shell SERVICE`: bash, or sh, in the running service. */
export async function shell(args: { C: string; service: string }): Promise<void> {
  await exec({ ...args, cmd: [] });
}

/** `dev run SERVICE CMD...`: a one-off container of the service, removed afterwards. */
export async function run(args: { C: string; service: string; cmd: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  assertKnownServices(ctx, [args.service]);
  passExit(await runComposeInteractive(ctx, ["run", "--rm", ...ttyArgs(), args.service, ...(args.cmd.length ? args.cmd : SHELL)]));
}
