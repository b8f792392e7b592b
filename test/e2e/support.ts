import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);
export const CREATE_STACK = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
export const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const PREFIX = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";

/**
 * The user-facing image override (stack.yaml `images:`, set here with --image) routes the images
 * the presets name to the locally built test images, so no test ever reaches a registry.
 */
export const IMAGE_ARGS = [
  `postgres:16=${PREFIX}/postgres:latest`,
  `redis:7=${PREFIX}/redis:latest`,
  `nginx:1.27=${PREFIX}/nginx:latest`,
  `python:3.12-slim=${PREFIX}/python:latest`,
  `node:20-slim=${PREFIX}/node:latest`,
  `rabbitmq:3-management=${PREFIX}/rabbitmq:latest`,
  `caddy:2.8=${PREFIX}/caddy:latest`,
].flatMap((pair) => ["--image", pair]);

/** The same, with Python services on the image that also has Django, psycopg2 and pika. */
export const EXTRAS_IMAGE_ARGS = IMAGE_ARGS.map((arg) => (arg === `python:3.12-slim=${PREFIX}/python:latest` ? `python:3.12-slim=${PREFIX}/python-extras:latest` : arg));

/** A test image by name, for Dockerfiles a test writes as a user would (FROM an image they have). */
export const testImage = (name: string) => `${PREFIX}/${name}:latest`;

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by the e2e global setup, once per run. */
    e2eRunTag: string;
  }
}

/**
 * A name of its own for a project (or anything else a test makes on the shared engine). It carries
 * this run's tag: the run's global teardown finds by it whatever a test left behind.
 */
export function uniqueName(prefix: string): string {
  // Outside the e2e project's global setup (another config) there is no run tag: the pid stands in.
  return `${prefix}-${inject("e2eRunTag") ?? `p${process.pid}`}-${Math.random().toString(36).slice(2, 7)}`;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "create-stack-e2e-"));
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, never throwing on a non-zero exit. */
export function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The compose CLI users have: the v2 plugin when present, else v1. */
export async function composeCommand(): Promise<string[]> {
  const v2 = await sh("docker", ["compose", "version"]);
  return v2.code === 0 ? ["docker", "compose"] : ["docker-compose"];
}

/**
 * Whether a new project's COMPOSE_FILE lists compose.start-interval.yaml here: where compose v2
 * runs on an engine with API 1.44+ (Docker 25), which honour start_interval; v1 and older engines
 * refuse the key (reload.test.ts checks both the refusal and that the key takes effect).
 */
export async function startIntervalListed(): Promise<boolean> {
  const [cmd] = await composeCommand();
  const api = (await sh("docker", ["version", "--format", "{{.Server.APIVersion}}"])).stdout.trim();
  return cmd === "docker" && Number(api.split(".")[1]) >= 44;
}

/** The layers create-stack lists in COMPOSE_FILE, with the start_interval layer where it is understood. */
export async function composeFileOf(layers: string[]): Promise<string> {
  return [...layers, ...((await startIntervalListed()) ? ["compose.start-interval.yaml"] : [])].join(":");
}

export async function compose(cwd: string, args: string[], timeoutMs?: number): Promise<Result> {
  const [cmd, ...pre] = await composeCommand();
  return sh(cmd!, [...pre, ...args], { cwd, timeoutMs });
}

export interface ContainerState {
  id: string;
  service: string;
  status: string;
  health?: string;
  startedAt: string;
}

/** The project's containers, found by compose's labels (never by name: v1 and v2 name them differently). */
export async function containers(project: string): Promise<ContainerState[]> {
  const ids = (await run("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])).stdout.split(/\s+/).filter(Boolean);
  if (ids.length === 0) return [];
  const { stdout } = await run("docker", ["inspect", ...ids]);
  return (JSON.parse(stdout) as any[]).map((c) => ({
    id: c.Id,
    service: c.Config.Labels["com.docker.compose.service"],
    status: c.State.Status,
    health: c.State.Health?.Status,
    startedAt: c.State.StartedAt,
  }));
}

/** Waits until every container runs and every healthcheck passes; fails with the states seen. */
export async function waitHealthy(project: string, expected: number, timeoutMs = 180_000): Promise<ContainerState[]> {
  const deadline = Date.now() + timeoutMs;
  let last: ContainerState[] = [];
  while (Date.now() < deadline) {
    last = await containers(project);
    const ready = last.filter((c) => c.status === "running" && (c.health === undefined || c.health === "healthy"));
    if (last.length >= expected && ready.length === last.length) return last;
    if (last.some((c) => c.status === "exited" || c.health === "unhealthy")) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`stack ${project} not healthy: ${JSON.stringify(last.map((c) => [c.service, c.status, c.health]))}`);
}

/** GETs a URL until it answers 200 (a proxy may need a moment to see a new upstream). */
export async function getUntilOk(url: string, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, body: "" };
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      last = { status: res.status, body: await res.text() };
      if (res.ok) return last;
    } catch (err) {
      last = { status: 0, body: String(err) };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

/**
 * Removes whatever the project left on the engine: containers, networks, volumes with its label,
 * and the images compose built for it (named after the project: `proj_svc` by v1, `proj-svc` by v2).
 */
export async function removeProject(project: string): Promise<void> {
  const list = async (kind: string[]) => (await sh("docker", [...kind, "--filter", `label=com.docker.compose.project=${project}`])).stdout.split(/\s+/).filter(Boolean);
  // A compose command of a killed dev process may still be creating containers (and holding the
  // network): remove until nothing is left, for at most ~20 s.
  for (let attempt = 0; attempt < 20; attempt++) {
    const ids = await list(["ps", "-aq"]);
    if (ids.length) await sh("docker", ["rm", "-f", "-v", ...ids]);
    const nets = await list(["network", "ls", "-q"]);
    if (nets.length) await sh("docker", ["network", "rm", ...nets]);
    const vols = await list(["volume", "ls", "-q"]);
    if (vols.length) await sh("docker", ["volume", "rm", "-f", ...vols]);
    if (ids.length + nets.length + vols.length === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const images = await projectImages(project);
  // By name, never by id: a cached build shares its id with other projects' images.
  if (images.length) await sh("docker", ["image", "rm", ...images]);
}

/** The images built for the project, as repository:tag. */
export async function projectImages(project: string): Promise<string[]> {
  const all = (await sh("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).stdout.split("\n").filter(Boolean);
  return all.filter((ref) => ref.startsWith(`${project}_`) || ref.startsWith(`${project}-`));
}

export async function leftovers(project: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const count = async (kind: string[]) =>
    (await sh("docker", [...kind, "--filter", `label=com.docker.compose.project=${project}`])).stdout.split(/\s+/).filter(Boolean).length;
  return { containers: await count(["ps", "-aq"]), networks: await count(["network", "ls", "-q"]), volumes: await count(["volume", "ls", "-q"]) };
}

export async function cleanupDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function envValue(envText: string, key: string): string {
  const m = new RegExp(`^${key}=(.*)$`, "m").exec(envText);
  if (!m) throw new Error(`${key} missing from .env`);
  return m[1]!;
}
