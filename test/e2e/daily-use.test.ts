import { spawn } from "node:child_process";
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

const project = uniqueName("cs-e2e-daily");
let root = "";
let watcher: DevProcess;
const dev = (args: string[], timeoutMs?: number) => sh("node", [DEV, ...args], { cwd: root, env: { NO_COLOR: "1" }, timeoutMs });

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http,postgres,redis", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  // Hooks: one that seeds, one that fails while services/api/fail-hook exists.
  const stack = parseDocument(await readFile(join(root, "stack.yaml"), "utf8"));
  stack.setIn(["services", "api", "after_start"], ["echo seeded-$SERVICE_NAME", "test ! -f /app/fail-hook || { echo hook says no; exit 4; }"]);
  await writeFile(join(root, "stack.yaml"), stack.toString());
  watcher = new DevProcess(root, ["up"]);
  await watcher.waitFor(/^watching /, { timeoutMs: 300_000 });
});

afterAll(async () => {
  watcher?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("daily use", () => {
  it("runs the after_start hooks once the stack is up, showing their output", () => {
    expect(watcher.lines).toContain("api: running hook: echo seeded-$SERVICE_NAME");
    expect(watcher.lines.some((l) => /api hook \| seeded-api$/.test(l))).toBe(true);
  });

  it("a second dev up says which process runs the project and exits 2", async () => {
    const second = await dev(["up"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/dev up is already running for this project \(pid \d+/);
    expect(JSON.parse(await readFile(join(root, ".create-stack/dev-up.json"), "utf8")).pid).toBeGreaterThan(0);
  });

  it("dev exec runs a command in a service, its flags its own, its exit code passed on", async () => {
    const out = await dev(["exec", "api", "python", "-c", "print(6 * 7)"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe("42");
    expect((await dev(["exec", "api", "sh", "-c", "exit 3"])).code).toBe(3);
    const shell = await sh("sh", ["-c", `echo 'echo in-$0' | node ${DEV} shell api`], { cwd: root });
    expect(shell.stdout).toMatch(/in-(ba)?sh/);
  });

  it("dev run makes a one-off container and removes it", async () => {
    const out = await dev(["run", "api", "python", "-c", "print('one-off')"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("one-off");
    const left = await sh("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`, "--filter", "label=com.docker.compose.oneoff=True"]);
    expect(left.stdout.trim()).toBe("");
  });

  it("dev psql and dev redis-cli reach the stack's database and cache", async () => {
    const q = await dev(["psql", "-tAc", "select 40 + 2"]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout.trim()).toBe("42");
    const r = await dev(["redis-cli", "ping"]);
    expect(r.stdout.trim()).toBe("PONG");
  });

  it("dev db dump and restore bring a table back", async () => {
    expect((await dev(["psql", "-c", "create table notes (body text); insert into notes values ('kept')"])).code).toBe(0);
    const file = join(root, "..", "dump.sql");
    const dumped = await dev(["db", "dump", file]);
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(await readFile(file, "utf8")).toContain("CREATE TABLE public.notes");
    expect((await dev(["psql", "-c", "drop table notes"])).code).toBe(0);
    const restored = await dev(["db", "restore", file]);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await dev(["psql", "-tAc", "select body from notes"])).stdout.trim()).toBe("kept");
    const bad = await dev(["db", "restore", join(root, "missing.sql")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot read .*missing\.sql/);
  });

  it("dev logs -f follows a service across its restart; dev logs | head ends quietly", async () => {
    const follow = new DevProcess(root, ["logs", "-f", "-n", "5", "api"]);
    try {
      await follow.waitFor(/api \| api listening on :8000/);
      const from = follow.lines.length;
      expect((await dev(["restart", "api"])).code).toBe(0);
      await follow.waitFor(/api \| api listening on :8000/, { from, timeoutMs: 30_000 });
    } finally {
      follow.kill();
    }
    const piped = await sh("sh", ["-c", `node ${DEV} logs | head -n 1; echo "exit=\${PIPESTATUS:-done}"`], { cwd: root });
    expect(piped.stderr).not.toMatch(/EPIPE|error/);
  });

  it("two restarts of one service from two terminals run one after the other, the second saying what it waits for", async () => {
    const [a, b] = await Promise.all([dev(["restart", "api"]), dev(["restart", "api"])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const waited = [a, b].filter((r) => /api: waiting for dev restart api \(pid \d+\) to finish/.test(r.stdout));
    expect(waited, a.stdout + b.stdout).toHaveLength(1);
    // No lock left behind.
    expect(await readFile(join(root, ".create-stack/service-api.lock"), "utf8").catch(() => "gone")).toBe("gone");
  });

  it("dev logs interleaves services by time", async () => {
    // Lines written to each container's main output, alternating between two services.
    for (const [svc, mark] of [["redis", "mark-1"], ["api", "mark-2"], ["redis", "mark-3"], ["api", "mark-4"]]) {
      expect((await dev(["exec", svc!, "sh", "-c", `echo ${mark} > /proc/1/fd/1`])).code).toBe(0);
    }
    const out = await dev(["logs", "-n", "5", "api", "redis"]);
    expect(out.code, out.stderr).toBe(0);
    const marks = out.stdout.split("\n").filter((l) => /mark-\d/.test(l)).map((l) => l.replace(/\s+/g, " ").trim());
    expect(marks).toEqual(["redis | mark-1", "api | mark-2", "redis | mark-3", "api | mark-4"]);
  });

  it("dev open --print gives the route through the proxy", async () => {
    const out = await dev(["open", "api", "--print"]);
    const port = envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT");
    expect(out.stdout.trim()).toBe(`http://127.0.0.1:${port}/api/`);
    const got = await getUntilOk(out.stdout.trim());
    expect(got.status, got.body + (await sh("docker", ["ps", "-a", "--filter", `label=com.docker.compose.project=${project}`, "--format", "{{.Names}} {{.Status}} {{.Ports}}"])).stdout).toBe(200);
    // The friendly host name: http://api.localhost:PORT/ reaches api at its root.
    const byHost = await sh("curl", ["-s", "-H", "Host: api.localhost", `http://127.0.0.1:${port}/hello`]);
    expect(JSON.parse(byHost.stdout)).toMatchObject({ service: "api", path: "/hello" });
    // A path no route matches: a 404 naming the routes (this stack has no route at /), not nginx's welcome page.
    const unrouted = await sh("curl", ["-s", "-w", " %{http_code}", `http://127.0.0.1:${port}/`]);
    expect(unrouted.stdout).toMatch(/^no route for this path in \S+; routes: \/api -> api\n 404$/);
    // The one-off container of `dev run` (long gone by now) was no crash of api.
    expect(watcher.lines.join("\n")).not.toMatch(/api crashed/);
  });

  it("a service stopped with dev stop stays stopped while dev up watches; dev start runs it again", async () => {
    expect((await dev(["stop", "api"])).code).toBe(0);
    const from = watcher.lines.length;
    await writeFile(join(root, "services/api/fail-hook"), "");
    await watcher.waitFor(/api is stopped \(dev stop api\): not restarting it/, { from });
    expect((await containers(project)).find((c) => c.service === "api")?.status).toBe("exited");
    const failing = await dev(["start", "api"]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/the after_start hook of api failed \(exit 4\)/);
    expect(failing.stderr).toContain("hook says no");
    // Started nonetheless, and no longer marked stopped: the watcher restarts it on the next save.
    expect((await containers(project)).find((c) => c.service === "api")?.status).toBe("running");
    const next = watcher.lines.length;
    await rm(join(root, "services/api/fail-hook"));
    await watcher.waitFor(/^api (reloaded|restarted) in/, { from: next });
    const started = await dev(["start", "api"]);
    expect(started.code, started.stderr).toBe(0);
    expect((await containers(project)).find((c) => c.service === "api")?.status).toBe("running");
  });

  it("dev build shows a failing build's cause", async () => {
    await appendFile(join(root, "services/api/requirements.txt"), "\nno-such-package-anywhere\n");
    const out = await dev(["build", "api"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/no-such-package-anywhere/);
    expect(out.stderr).toMatch(/Could not find a version that satisfies|No matching distribution/);
    expect(out.stderr).not.toContain("\x1b[");
    // The watcher saw the same edit and reports the failure once, with what to do.
    await watcher.waitFor(/save a fix \(services\/api\/Dockerfile/, { timeoutMs: 120_000 });
    const from = watcher.lines.length;
    await writeFile(join(root, "services/api/requirements.txt"), (await readFile(join(root, "services/api/requirements.txt"), "utf8")).replace("no-such-package-anywhere", ""));
    await watcher.waitFor(/api rebuilt and restarted/, { from, timeoutMs: 120_000 });
  });

  it("dev down from another terminal ends the watcher, which says so", async () => {
    const from = watcher.lines.length;
    expect((await dev(["down"])).code).toBe(0);
    await watcher.waitFor(/was stopped from elsewhere/, { from, timeoutMs: 60_000 });
    expect(await watcher.exited, watcher.lines.slice(from).join("\n")).toBe(0);
    expect(watcher.lines.slice(from).join("\n")).not.toMatch(/start the stack with: dev up/);
  });
});
