import { spawn } from "node:child_process";
import { runtimeError } from "../errors/stack-error.js";

export interface ComposeCli {
  kind: "v2" | "v1";
  version: string;
  /** The command to prefix arguments with: ["docker", "compose"] or ["docker-compose"]. */
  command: string[];
  run(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; stdio?: "inherit" | "pipe" }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

function exec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdio?: "inherit" | "pipe" } = {}) {
  return new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: opts.stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (err) => resolve({ exitCode: -1, stdout, stderr: String(err) }));
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}

let detected: Promise<ComposeCli> | undefined;

/** The v2 plugin (`docker compose`) when present, else `docker-compose` v1; detected once per process. */
export function detectCompose(): Promise<ComposeCli> {
  return (detected ??= (async () => {
    for (const command of [["docker", "compose"], ["docker-compose"]]) {
      const res = await exec(command[0]!, [...command.slice(1), "version", "--short"]);
      if (res.exitCode === 0) {
        const version = res.stdout.trim().replace(/^v/, "");
        return {
          kind: version.startsWith("1.") ? "v1" : "v2",
          version,
          command,
          run: (args, opts) => exec(command[0]!, [...command.slice(1), ...args], opts),
        } satisfies ComposeCli;
      }
    }
    throw runtimeError("E_NO_COMPOSE", "no docker compose CLI found", "install the compose plugin (`docker compose`, part of Docker Desktop and docker-ce) or `docker-compose`");
  })());
}
