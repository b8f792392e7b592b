import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { laneFacts } from "./lane.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, compose, composeCommand, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName, waitHealthy } from "./support.js";

/**
 * compose.watch.yaml, proven with the user's own tools: where compose understands it (v2.24+),
 * plain `docker compose watch` on a scaffolded project, with no create-stack process running,
 * serves a saved change and rebuilds on a manifest change; elsewhere (docker-compose v1) .env
 * does not list it and plain `up` runs the stack as before.
 */
const facts = laneFacts();
const [kind, version = ""] = facts.compose.split(" ");
const [major = 0, minor = 0] = version.split(".").map(Number);
const understood = kind === "v2" && (major > 2 || (major === 2 && minor >= 24));

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function scaffold(project: string): Promise<string> {
  const root = join(await tempDir(), project);
  const res = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http", "--proxy", "none", "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(res.code, res.stderr).toBe(0);
  cleanups.push(() => removeProject(project), () => cleanupDir(join(root, "..")));
  return root;
}

/** A long-running compose command, its output kept; stopped (SIGINT, as Ctrl-C) by the cleanups. */
function startCompose(cmd: string[], root: string, args: string[]): { child: ChildProcess; output: () => string } {
  let out = "";
  const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, detail: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${detail()}`);
}

const answer = async (url: string): Promise<string | undefined> => {
  const res = await fetch(url);
  return res.ok ? ((await res.json()) as { message: string }).message : undefined;
};

describe(`plain compose and compose.watch.yaml (${facts.compose}, Docker ${facts.engine})`, () => {
  it.runIf(understood)("docker compose watch alone: a saved source is synced and served, a manifest change rebuilds; dev keeps its mounts", async () => {
    const project = uniqueName("cs-e2e-watch");
    const root = await scaffold(project);
    // Written, not listed: plain `docker compose up` keeps the source mounts. The user lists it.
    const scaffolded = await readFile(join(root, ".env"), "utf8");
    expect(envValue(scaffolded, "COMPOSE_FILE").split(":")).not.toContain("compose.watch.yaml");
    const composeFile = envValue(scaffolded, "COMPOSE_FILE");
    await writeFile(join(root, ".env"), scaffolded.replace(`COMPOSE_FILE=${composeFile}`, `COMPOSE_FILE=${composeFile}:compose.watch.yaml`));
    const env = await readFile(join(root, ".env"), "utf8");
    expect(envValue(env, "COMPOSE_FILE").split(":")).toContain("compose.watch.yaml");
    const url = `http://127.0.0.1:${envValue(env, "API_PORT")}/`;

    // What compose runs: the image's copy of the sources, no mount over it.
    const config = await compose(root, ["config", "--format", "json"]);
    expect(config.code, config.stderr).toBe(0);
    const api = JSON.parse(config.stdout).services.api;
    expect(api.volumes ?? []).toEqual([]);
    expect(api.develop.watch.map((r: { action: string }) => r.action)).toContain("sync+restart");

    const cmd = await composeCommand();
    const up = await compose(root, ["up", "-d", "--wait"]);
    expect(up.code, up.stderr).toBe(0);
    expect(await answer(url)).toBe("hello from api");

    const watch = startCompose(cmd, root, ["watch"]);
    cleanups.push(async () => void watch.child.kill("SIGINT"));
    await until("compose watch to start", async () => (/Watch enabled/i.test(watch.output()) ? true : undefined), 60_000, watch.output);
    // Compose skips a path that is also bind-mounted, with a warning: none here.
    expect(watch.output()).not.toMatch(/also declared by a bind mount/);

    const app = join(root, "services/api/app.py");
    await writeFile(app, (await readFile(app, "utf8")).replace('"hello from api"', '"saved while compose watches"'));
    await until("the saved change to be served", async () => ((await answer(url)) === "saved while compose watches" ? true : undefined), 60_000, watch.output);
    expect(watch.output()).toMatch(/Syncing "api"/);

    // A dependency manifest: the image is rebuilt and the container replaced (still serving the change).
    const before = (await containers(project)).find((c) => c.service === "api")!.id;
    await appendFile(join(root, "services/api/requirements.txt"), "# touched by the test\n");
    await until("api to be rebuilt and replaced", async () => ((await containers(project)).find((c) => c.service === "api" && c.id !== before && c.status === "running") ? true : undefined), 180_000, watch.output);
    expect(await until("api to answer again", () => answer(url), 60_000, watch.output)).toBe("saved while compose watches");

    watch.child.kill("SIGINT");
    // dev runs compose without the layer: its containers mount the sources again.
    const devUp = await sh("node", [DEV, "up", "--no-watch"], { cwd: root });
    expect(devUp.code, devUp.stdout + devUp.stderr).toBe(0);
    const inspect = await sh("docker", ["inspect", (await containers(project)).find((c) => c.service === "api")!.id, "--format", "{{json .Mounts}}"]);
    expect(JSON.parse(inspect.stdout)).toContainEqual(expect.objectContaining({ Type: "bind", Source: join(root, "services/api"), Destination: "/app" }));
  }, 600_000);

  it.runIf(!understood)("not listed where compose does not understand it; plain up runs the stack as before", async () => {
    const project = uniqueName("cs-e2e-nowatch");
    const root = await scaffold(project);
    const env = await readFile(join(root, ".env"), "utf8");
    expect(await readFile(join(root, "compose.watch.yaml"), "utf8")).toMatch(/develop:/);
    expect(envValue(env, "COMPOSE_FILE").split(":")).not.toContain("compose.watch.yaml");
    const up = await compose(root, ["up", "-d"]);
    expect(up.code, up.stderr).toBe(0);
    await waitHealthy(project, 1);
    expect(JSON.parse((await getUntilOk(`http://127.0.0.1:${envValue(env, "API_PORT")}/`)).body)).toMatchObject({ message: "hello from api" });
  }, 300_000);
});
