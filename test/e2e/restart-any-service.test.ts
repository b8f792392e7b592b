import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, removeProject, sh, tempDir, uniqueName } from "./support.js";

// dev restart takes any service of the stack: the presets' (postgres, redis, nginx) as well as
// its own, each ready again when the command says so.
const project = uniqueName("cs-e2e-restart");
let root = "";
const dev = (args: string[]) => sh("node", [DEV, ...args], { cwd: root, env: { NO_COLOR: "1" } });
const startedAt = async (service: string) => (await containers(project)).find((c) => c.service === service)?.startedAt;

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http,postgres,redis", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  const up = await dev(["up", "--no-watch"]);
  expect(up.code, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("dev restart of any service", () => {
  it("restarts postgres and returns once it takes queries, with one line and its time", async () => {
    const before = await startedAt("postgres");
    const res = await dev(["restart", "postgres"]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^postgres restarted in \d+\.\d\d s\n$/);
    expect(await startedAt("postgres")).not.toBe(before);
    // Ready means ready: the first query after the command is answered.
    const q = await dev(["psql", "-tAc", "select 40 + 2"]);
    expect(q.stdout.trim(), q.stderr).toBe("42");
  });

  it("restarts nginx and the route answers through it at once", async () => {
    const before = await startedAt("nginx");
    const res = await dev(["restart", "nginx"]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^nginx restarted in \d+\.\d\d s\n$/);
    expect(await startedAt("nginx")).not.toBe(before);
    const port = envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT");
    const got = await fetch(`http://127.0.0.1:${port}/api/hello`, { headers: { connection: "close" } });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ service: "api" });
  });

  it("restarts preset and own services together, one line each", async () => {
    const res = await dev(["restart", "redis", "api"]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout.trim().split("\n").map((l) => l.replace(/ in \d+\.\d\d s$/, "")).sort()).toEqual(["api restarted", "redis restarted"]);
    expect((await dev(["redis-cli", "ping"])).stdout.trim()).toBe("PONG");
  });

  it("an unknown name is refused with exit 2, listing the stack's services", async () => {
    const res = await dev(["restart", "postgress"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: unknown service: postgress\n {2}hint: services: (.*, )?api, .*postgres, .*nginx/);
  });
});
