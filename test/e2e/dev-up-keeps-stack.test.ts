import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

// A python-http api routed through nginx, with postgres: the proxy and the database are preset
// services, without sources; dev up must look after them as after the api.
const project = uniqueName("cs-e2e-keep");
let root = "";
let dev: DevProcess;
let proxy = "";

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http,postgres", "--proxy", "nginx", "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  dev = new DevProcess(root, ["up"]);
  await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
  proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
  expect((await getUntilOk(`${proxy}/api/`)).status).toBe(200);
});

afterAll(async () => {
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

async function container(service: string) {
  const c = (await containers(project)).find((x) => x.service === service);
  if (!c) throw new Error(`${service} has no container`);
  return c;
}

/** Seconds from its start to ready, as the engine saw it this time: the service's own start time. */
async function waitRunning(service: string, since: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = (await containers(project)).find((x) => x.service === service);
    if (c && c.status === "running" && c.startedAt !== since && (c.health === undefined || c.health === "healthy")) return c;
    if (Date.now() > deadline) throw new Error(`${service} not back: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("dev up keeps the whole stack running", () => {
  it("docker kill of the proxy is reported and nginx is back within 2 s plus its start time; the route answers", async () => {
    const before = await container("nginx");
    const from = dev.lines.length;
    const t0 = Date.now();
    expect((await sh("docker", ["kill", before.id])).code).toBe(0);
    await dev.waitFor(/^nginx was killed from outside \(docker kill\); restarting in 100 ms/, { from, timeoutMs: 2_000 });
    const reported = Date.now() - t0;
    const line = dev.lines[await dev.waitFor(/^nginx restarted in [\d.]+ s \(after it was stopped from outside\)/, { from, timeoutMs: 30_000 })]!;
    const back = Date.now() - t0;
    const startSeconds = Number(/in ([\d.]+) s/.exec(line)![1]);
    expect(reported).toBeLessThan(2_000);
    expect(back).toBeLessThan(2_000 + startSeconds * 1000 + 500);
    await waitRunning("nginx", before.startedAt);
    expect((await getUntilOk(`${proxy}/api/`)).status).toBe(200);
  });

  it("docker kill of postgres is reported with its last lines and back within 2 s plus its start time; the api is told", async () => {
    const before = await container("postgres");
    const from = dev.lines.length;
    const t0 = Date.now();
    expect((await sh("docker", ["kill", before.id])).code).toBe(0);
    const i = await dev.waitFor(/^postgres was killed from outside \(docker kill\); restarting in 100 ms/, { from, timeoutMs: 2_000 });
    expect(dev.lines[i]).toMatch(/Last lines:$/);
    expect(dev.lines[i + 1]).toMatch(/^ {2}postgres \| /);
    const line = dev.lines[await dev.waitFor(/^postgres restarted in [\d.]+ s \(after it was stopped from outside\)/, { from, timeoutMs: 60_000 })]!;
    const back = Date.now() - t0;
    expect(back).toBeLessThan(2_000 + Number(/in ([\d.]+) s/.exec(line)![1]) * 1000 + 500);
    await dev.waitFor(/^api depends on postgres: told it restarted/, { from, timeoutMs: 5_000 });
    const pg = await waitRunning("postgres", before.startedAt);
    expect(pg.health).toBe("healthy");
    expect((await getUntilOk(`${proxy}/api/`)).status).toBe(200);
  });

  it("docker stop of the api from outside is reported and restarted; the route answers again", async () => {
    const before = await container("api");
    const from = dev.lines.length;
    expect((await sh("docker", ["stop", "-t", "1", before.id])).code).toBe(0);
    // A stop may be the first half of a restart: reported at once, restarted if no start follows.
    await dev.waitFor(/^api was stopped from outside; restarting in 3\.0 s unless it is started again/, { from, timeoutMs: 2_000 });
    await dev.waitFor(/^api restarted in [\d.]+ s \(after it was stopped from outside\)/, { from, timeoutMs: 30_000 });
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body).service).toBe("api");
  });

  it("docker rm -f of the api recreates it; a save meanwhile is no 'has no container' error", async () => {
    const before = await container("api");
    const from = dev.lines.length;
    expect((await sh("docker", ["rm", "-f", before.id])).code).toBe(0);
    await dev.waitFor(/^api: its container was removed from outside \(docker rm\); recreating in/, { from, timeoutMs: 2_000 });
    await dev.waitFor(/^api recreated in [\d.]+ s /, { from, timeoutMs: 60_000 });
    const after = await container("api");
    expect(after.id).not.toBe(before.id);
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body).service).toBe("api");
    expect(dev.count(/has no container/, from)).toBe(0);
  });

  it("a restart from outside (docker restart) is not taken for a stop", async () => {
    const from = dev.lines.length;
    const restarted = await sh("docker", ["restart", "-t", "2", (await container("nginx")).id]);
    expect(restarted.code, restarted.stderr).toBe(0);
    // The watcher sees kill, die (reported: a stop), stop, then start: a restart, not ours to do.
    await dev.waitFor(/^nginx was stopped from outside; restarting in 3\.0 s unless it is started again/, { from, timeoutMs: 5_000 });
    await dev.waitFor(/^nginx was started again from outside$/, { from, timeoutMs: 10_000 });
    expect(dev.count(/^nginx (restarted in|crashed)/, from)).toBe(0);
  });

  it("dev status lists a service whose container was removed as missing", async () => {
    // Without a watcher (it would recreate it at once); the rest of the stack keeps running.
    dev.kill();
    await dev.exited;
    expect((await sh("docker", ["rm", "-f", (await container("nginx")).id])).code).toBe(0);
    const status = await sh("node", [DEV, "status", "--json"], { cwd: root });
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout).services as { service: string; state: string }[];
    expect(rows.map((r) => [r.service, r.state])).toEqual([
      ["api", "running"],
      ["nginx", "missing"],
      ["postgres", "running"],
    ]);
  });

  it("dev down from a second terminal is on purpose: every service is left stopped", async () => {
    dev = new DevProcess(root, ["up"]);
    await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
    const from = dev.lines.length;
    const down = await sh("node", [DEV, "down"], { cwd: root });
    expect(down.code, down.stderr).toBe(0);
    for (const s of ["api", "nginx", "postgres"]) await dev.waitFor(new RegExp(`^${s} was stopped on purpose: left stopped$`), { from, timeoutMs: 5_000 });
    expect(dev.count(/restarting in|recreating in|restarted in|recreated in/, from), dev.lines.slice(from).join("\n")).toBe(0);
    expect(await containers(project)).toEqual([]);
  });
});
