import { closeSync, openSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { runtimeError, StackError } from "../errors/stack-error.js";
import { openDev, runComposeInteractive, type DevContext } from "./dev-context.js";
import { ttyArgs } from "./exec.js";
import { failureLines } from "./compose-output.js";
import { assertPreset } from "./service-names.js";

// The credentials live in the container's environment (from .env): read there, never on a command line.
const PSQL = 'exec psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" "$@"';

async function needRunning(ctx: DevContext, service: string, command: string): Promise<void> {
  assertPreset(ctx, service, command);
  if ((await ctx.engine.listContainers(ctx.name, { service })).length === 0) {
    throw new StackError({ code: "E_NOT_RUNNING", message: `${service} is not running`, hint: `start it with: dev start ${service} (or dev up)`, exitCode: 1 });
  }
}

function passExit(code: number): void {
  if (code !== 0) process.exitCode = code < 0 ? 1 : code;
}

/** `dev psql [ARGS...]`: psql in the postgres service, as the stack's user, on its database. */
export async function psql(args: { C: string; args: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  await needRunning(ctx, "postgres", "dev psql");
  passExit(await runComposeInteractive(ctx, ["exec", ...ttyArgs(), "postgres", "sh", "-c", PSQL, "psql", ...args.args]));
}

/** `dev redis-cli [ARGS...]`: redis-cli in the redis service. */
export async function redisCli(args: { C: string; args: string[] }): Promise<void> {
  const ctx = await openDev(args.C);
  await needRunning(ctx, "redis", "dev redis-cli");
  passExit(await runComposeInteractive(ctx, ["exec", ...ttyArgs(), "redis", "redis-cli", ...args.args]));
}

/**
 * `dev db dump FILE`: a plain SQL dump of the stack's database (`--clean --if-exists`, so a
 * restore replaces what is there). Written beside FILE and renamed: a failed dump leaves no half file.
 */
export async function dbDump(args: { C: string; file: string }): Promise<void> {
  const ctx = await openDev(args.C);
  await needRunning(ctx, "postgres", "dev db dump");
  const target = resolve(args.file);
  const tmp = join(dirname(target), `.${basename(target)}.create-stack-${randomBytes(4).toString("hex")}`);
  let fd: number;
  try {
    fd = openSync(tmp, "w", 0o600);
  } catch (err) {
    throw new StackError({ code: "E_DUMP_FILE", message: `cannot write ${args.file}: ${(err as NodeJS.ErrnoException).code}`, hint: "choose a path in a folder you can write to" });
  }
  const compose = await ctx.compose();
  try {
    const res = await compose.run(["exec", "-T", "postgres", "sh", "-c", 'exec pg_dump --clean --if-exists -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], { cwd: ctx.project.root, stdoutFd: fd });
    closeSync(fd);
    if (res.exitCode !== 0) throw runtimeError("E_DUMP", "pg_dump failed", "see its output above", failureLines(res.combined));
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  process.stdout.write(`dumped ${ctx.name}'s database to ${args.file} (restore with: dev db restore ${args.file})\n`);
}

/** `dev db restore FILE`: runs an SQL file (e.g. from dev db dump) against the stack's database; stops at the first error. */
export async function dbRestore(args: { C: string; file: string }): Promise<void> {
  const ctx = await openDev(args.C);
  await needRunning(ctx, "postgres", "dev db restore");
  let fd: number;
  try {
    fd = openSync(resolve(args.file), "r");
  } catch (err) {
    throw new StackError({ code: "E_RESTORE_FILE", message: `cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code}`, hint: "pass an SQL file, e.g. one made with: dev db dump FILE" });
  }
  const compose = await ctx.compose();
  try {
    const res = await compose.run(["exec", "-T", "postgres", "sh", "-c", 'exec psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], { cwd: ctx.project.root, stdinFd: fd });
    if (res.exitCode !== 0) throw runtimeError("E_RESTORE", `restoring ${args.file} failed`, "the restore stopped at the first error (shown above)", failureLines(res.combined));
  } finally {
    closeSync(fd);
  }
  process.stdout.write(`restored ${args.file} into ${ctx.name}'s database\n`);
}
