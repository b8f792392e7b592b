import { createDockerEngine } from "../engine/docker-engine.js";
import { detectCompose, type ComposeCli } from "../engine/compose-cli.js";
import type { Engine } from "../engine/engine.js";
import { runtimeError } from "../errors/stack-error.js";
import { loadProject, type Project } from "../stack/load-project.js";

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
  return { project, name: project.parsed.config.name, engine: createDockerEngine(), compose: () => (cli ??= detectCompose()) };
}

/** Loads the project and connects to the engine; says what to start when it is not answering. */
export async function openDev(cwd: string): Promise<DevContext> {
  const ctx = connectDev(loadProject(cwd));
  await ctx.engine.ping();
  return ctx;
}

/** Runs the compose CLI in the project root; a failure becomes an error quoting compose's output. */
export async function runCompose(ctx: DevContext, args: string[], what: string): Promise<string> {
  const compose = await ctx.compose();
  const res = await compose.run(args, { cwd: ctx.project.root, stdio: "pipe" });
  if (res.exitCode !== 0) {
    const lines = (res.stderr || res.stdout).trim().split("\n").slice(-25);
    throw runtimeError("E_COMPOSE", `${what} failed (${compose.command.join(" ")} ${args.join(" ")})`, "fix what compose reports above, then run the command again", lines);
  }
  return res.stdout;
}
