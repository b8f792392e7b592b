import { spawn } from "node:child_process";
import { runtimeError } from "../errors/stack-error.js";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The docker CLI, for what the Engine API alone does not give us: `docker stack deploy` (the CLI
 * turns a stack file into services), builds with the user's build settings, pushes with their
 * registry credentials.
 */
export function docker(args: string[], opts: { cwd?: string; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn("docker", args, { cwd: opts.cwd, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (err) => resolve({ exitCode: -1, stdout, stderr: String(err) }));
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    if (child.stdin) {
      // A command that exits without reading its input must not crash us with EPIPE.
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Runs docker and fails with its last output lines when it fails. */
export async function dockerOk(args: string[], what: string, opts: { cwd?: string; input?: string } = {}): Promise<string> {
  const res = await docker(args, opts);
  if (res.exitCode !== 0) {
    const lines = (res.stderr || res.stdout).trim().split("\n").slice(-20);
    throw runtimeError("E_DOCKER", `${what} failed (docker ${args.filter((a) => a !== "-").slice(0, 4).join(" ")} ...)`, "fix what docker reports above, then run the command again", lines);
  }
  return res.stdout;
}

export interface SwarmServiceState {
  id: string;
  name: string;
  /** Desired replicas and running tasks of the current spec. */
  desired: number;
  running: number;
  /** updating, completed, paused, rollback_started, rollback_completed, ... or "" when never updated. */
  updateState: string;
  updateMessage: string;
  /** Ids of the tasks that should run, with their state and error. */
  tasks: { id: string; state: string; error: string; image: string }[];
  /** Tasks that failed or were rejected, newest first, with when they were created. */
  failures: { error: string; createdAt: number }[];
}

/** Services of one stack, with their update status and current tasks. */
export async function stackServices(stack: string): Promise<SwarmServiceState[]> {
  const ids = (await dockerOk(["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`], "listing the stack's services")).split(/\s+/).filter(Boolean);
  if (!ids.length) return [];
  const specs = JSON.parse(await dockerOk(["service", "inspect", ...ids], "inspecting the stack's services")) as any[];
  const taskIds = (await dockerOk(["stack", "ps", stack, "-q"], "listing the stack's tasks")).split(/\s+/).filter(Boolean);
  const all = taskIds.length ? (JSON.parse(await dockerOk(["inspect", ...taskIds], "inspecting the stack's tasks")) as any[]) : [];
  const tasks = all.filter((t) => t.DesiredState === "running");
  return specs.map((s) => {
    const mine = tasks.filter((t) => t.ServiceID === s.ID);
    const failures = all
      .filter((t) => t.ServiceID === s.ID && (t.Status.State === "failed" || t.Status.State === "rejected"))
      .map((t) => ({ error: String(t.Status.Err ?? t.Status.State), createdAt: Date.parse(t.CreatedAt) }))
      .sort((a, b) => b.createdAt - a.createdAt);
    return {
      id: s.ID,
      name: s.Spec.Name,
      desired: s.Spec.Mode?.Replicated?.Replicas ?? 1,
      running: mine.filter((t) => t.Status.State === "running").length,
      updateState: s.UpdateStatus?.State ?? "",
      updateMessage: s.UpdateStatus?.Message ?? "",
      tasks: mine.map((t) => ({ id: t.ID, state: t.Status.State, error: t.Status.Err ?? "", image: t.Spec.ContainerSpec.Image })),
      failures,
    };
  });
}

/** "inactive", "active", "pending", ... and whether this node manages the swarm. */
export async function swarmState(): Promise<{ state: string; manager: boolean }> {
  const out = await dockerOk(["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"], "asking the engine about its swarm");
  const [state, manager] = out.trim().split(" ");
  return { state: state ?? "", manager: manager === "true" };
}
