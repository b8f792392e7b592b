import { createDockerEngine } from "../engine/docker-engine.js";
import { detectCompose, type ComposeCli } from "../engine/compose-cli.js";
import type { Engine } from "../engine/engine.js";
import type { ErrorCode } from "../errors/error-codes.js";
import { runtimeError } from "../errors/stack-error.js";
import { isPortTaken, portTakenError } from "../engine/port-taken.js";
import { readProjectEnv } from "../fs/read-env.js";
import { loadProject, type Project } from "../stack/load-project.js";
import { composeFailureHint, failureLines, isPullFailure } from "./compose-output.js";
import { stackImagesOf } from "./stack-images.js";
import { composeForDev } from "./compose-for-dev.js";

export interface DevContext {
  project: Project;
  /** Compose project name (stack.yaml name). */
  name: string;
  engine: Engine;
  /** The compose CLI, detected on first use. */
  compose(): Promise<ComposeCli>;
}

/** A dev context for a loaded project; nothing is contacted until first used. */
export function connectDev(project: Project): DevContext {
  let cli: Promise<ComposeCli> | undefined;
  return { project, name: project.parsed.config.name, engine: createDockerEngine(), compose: () => (cli ??= detectCompose().then((c) => composeForDev(c, project.root))) };
}

/** The same engine and compose CLI for the project as it now is (after a stack.yaml change). */
export function withProject(ctx: DevContext, project: Project): DevContext {
  return { ...ctx, project };
}

/** Loads the project and connects to the engine; says what to start when it is not answering. */
export async function openDev(cwd: string): Promise<DevContext> {
  const ctx = connectDev(loadProject(cwd));
  await ctx.engine.ping();
  return ctx;
}

/**
 * `compose build` for the given services (none: all). The classic builder keeps the container of a
 * step that fails (one per failed build, piling up on the user's engine); --force-rm removes it.
 * Compose v2 still accepts the flag (BuildKit leaves no such containers anyway).
 */
export function composeBuildArgs(services: string[]): string[] {
  return ["build", "--force-rm", ...services];
}

export interface RunComposeOptions {
  /** Error code on failure (default E_COMPOSE; builds use E_BUILD). */
  code?: ErrorCode;
  /** Each output line as it arrives (progress). */
  onLine?: (line: string) => void;
}

/**
 * Runs the compose CLI in the project root; a failure becomes an error quoting the end of
 * everything compose wrote (v1 writes a build's own output, e.g. pip's error, to stdout).
 */
export async function runCompose(ctx: DevContext, args: string[], what: string, opts: RunComposeOptions = {}): Promise<string> {
  const compose = await ctx.compose();
  const res = await compose.run(args, { cwd: ctx.project.root, stdio: "pipe", onLine: opts.onLine });
  if (res.exitCode !== 0) {
    const { config } = ctx.project.parsed;
    const images = isPullFailure(res.combined) ? stackImagesOf(config, ctx.project.presets, ctx.project.services) : undefined;
    const hint = composeFailureHint(res.combined, "fix what compose reports above, then run the command again", images);
    if (isPortTaken(res.combined.join("\n"))) {
      const env = await readProjectEnv(ctx.project.root).catch(() => undefined);
      throw portTakenError(`${what} failed`, res.combined.find((l) => isPortTaken(l)) ?? "", undefined, env);
    }
    throw runtimeError(opts.code ?? "E_COMPOSE", `${what} failed (${compose.command.join(" ")} ${args.join(" ")})`, hint, failureLines(res.combined));
  }
  return res.stdout;
}

/**
 * Runs compose on the user's terminal (interactive: exec, run, psql), in the project root with
 * its files and project name; resolves with its exit code.
 */
export async function runComposeInteractive(ctx: DevContext, args: string[]): Promise<number> {
  const compose = await ctx.compose();
  // Ctrl-C belongs to the program on the terminal (psql cancels a query): this process waits.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  try {
    return (await compose.run(args, { cwd: ctx.project.root, stdio: "inherit" })).exitCode;
  } finally {
    process.off("SIGINT", ignore);
  }
}
