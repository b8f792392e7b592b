import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { runtimeError } from "../errors/stack-error.js";

export interface ComposeCli {
  kind: "v2" | "v1";
  version: string;
  /** The command to prefix arguments with: ["docker", "compose"] or ["docker-compose"]. */
  command: string[];
  run(args: string[], opts: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** inherit: the user's terminal (interactive commands); pipe: captured. */
  stdio?: "inherit" | "pipe";
  /** Each output line as it arrives (compose v1 writes build steps to stdout, v2 to stderr). */
  onLine?: (line: string) => void;
  /** File descriptors to read stdin from / write stdout to (a dump or a restore); stderr stays captured. */
  stdinFd?: number;
  stdoutFd?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr lines in the order they arrived: a failure's cause may be in either. */
  combined: string[];
}

function exec(cmd: string, args: string[], opts: Partial<RunOptions> = {}) {
  return new Promise<RunResult>((resolve) => {
    const stdio = opts.stdio === "inherit" ? "inherit" : [opts.stdinFd ?? "ignore", opts.stdoutFd ?? "pipe", "pipe"];
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: stdio as "inherit" });
    let stdout = "";
    let stderr = "";
    const combined: string[] = [];
    const rest = { out: "", err: "" };
    const take = (which: "out" | "err", d: Buffer) => {
      const parts = (rest[which] + d.toString("utf8")).split(/\r?\n/);
      rest[which] = parts.pop() ?? "";
      for (const line of parts) {
        combined.push(line);
        opts.onLine?.(line);
      }
    };
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d;
      take("out", d);
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d;
      take("err", d);
    });
    const flush = () => {
      for (const line of [rest.out, rest.err].filter(Boolean)) combined.push(line);
    };
    child.on("error", (err) => resolve({ exitCode: -1, stdout, stderr: String(err), combined: [...combined, String(err)] }));
    child.on("close", (code) => {
      flush();
      resolve({ exitCode: code ?? -1, stdout, stderr, combined });
    });
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

/**
 * How to spell the compose command on this machine, for text shown to the user. Looks for the
 * files only (the v2 plugin where the docker CLI finds plugins, `docker-compose` on PATH): running
 * them costs up to a second (v1 is a Python program).
 */
export function composeSpelling(): string {
  const pluginDirs = [
    ...(process.env.DOCKER_CONFIG ? [join(process.env.DOCKER_CONFIG, "cli-plugins")] : []),
    join(homedir(), ".docker", "cli-plugins"),
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
  ];
  if (pluginDirs.some((dir) => existsSync(join(dir, "docker-compose")))) return "docker compose";
  const onPath = (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, "docker-compose")));
  return onPath ? "docker-compose" : "docker compose";
}
