import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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
  return (detected ??= findCompose());
}

/** detectCompose's look, each time it is called. */
export async function findCompose(): Promise<ComposeCli> {
  for (const command of [["docker", "compose"], ["docker-compose"]]) {
    // The plugin's file asked directly where the docker CLI would find it: the same answer
    // without the docker CLI's own start (about 0.12 s of every dev up); the CLI where that fails.
    // Commands run the plugin's file too, as compose runs on its own (`docker-compose up`): the
    // same program, configuration and engine, without starting the docker CLI and its plugin
    // metadata call first (about 60 ms of CPU and of wall time on every compose command).
    const plugin = command[1] === "compose" && onPath("docker") ? composePluginFile() : undefined;
    let res = plugin ? await exec(plugin, ["version", "--short"]) : undefined;
    const direct = res?.exitCode === 0 ? [plugin!] : undefined;
    if (res?.exitCode !== 0) res = await exec(command[0]!, [...command.slice(1), "version", "--short"]);
    if (res.exitCode === 0) {
      const version = res.stdout.trim().replace(/^v/, "");
      const [file, ...prefix] = direct ?? command;
      return {
        kind: version.startsWith("1.") ? "v1" : "v2",
        version,
        command,
        run: (args, opts) => exec(file!, [...prefix, ...args], opts),
      } satisfies ComposeCli;
    }
  }
  throw runtimeError("E_NO_COMPOSE", "no docker compose CLI found", "install the compose plugin (`docker compose`, part of Docker Desktop and docker-ce) or `docker-compose`");
}

/**
 * The folders the docker CLI looks for plugins in, in its order: the config folder's (DOCKER_CONFIG,
 * else ~/.docker), then the system's.
 */
function pluginDirs(): string[] {
  return [
    join(process.env.DOCKER_CONFIG || join(homedir(), ".docker"), "cli-plugins"),
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
  ];
}

/**
 * The compose plugin's file the docker CLI would run, or undefined where that is not certain:
 * none in its folders, or a config.json naming folders of its own (cliPluginsExtraDirs).
 */
export function composePluginFile(): string | undefined {
  try {
    const config = readFileSync(join(process.env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json"), "utf8");
    if (config.includes("cliPluginsExtraDirs")) return undefined;
  } catch {
    // No config.json: the default folders.
  }
  return pluginDirs()
    .map((dir) => join(dir, "docker-compose"))
    .find((file) => existsSync(file));
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/**
 * How to spell the compose command on this machine, for text shown to the user. Looks for the
 * files only (the v2 plugin where the docker CLI finds plugins, `docker-compose` on PATH): running
 * them costs up to a second (v1 is a Python program).
 */
export function composeSpelling(): string {
  if (pluginDirs().some((dir) => existsSync(join(dir, "docker-compose")))) return "docker compose";
  return onPath("docker-compose") ? "docker-compose" : "docker compose";
}
