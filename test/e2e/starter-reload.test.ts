import { open, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, EXTRAS_IMAGE_ARGS, IMAGE_ARGS, cleanupDir, compose, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

// The Node and Django starters reload their process on a save, as the Python ones do: the
// container (its id, its start time) stays, the new code answers. Node's and Django's keep a
// long-lived parent (dev-serve.cjs, serve.py) that hands the listening socket to fresh code.

const made: { project: string; root: string; dev?: DevProcess }[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A new project, its host ports moved to free ones (the defaults are often taken on a shared engine).
 * Python from the image with Django (`images`: the one with FastAPI and Celery instead).
 */
async function create(prefix: string, args: string[], extra: Record<string, unknown> = {}, images = EXTRAS_IMAGE_ARGS) {
  const project = uniqueName(prefix);
  const root = join(await tempDir(), project);
  const entry: (typeof made)[number] = { project, root };
  made.push(entry);
  const res = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--health-interval", "1s", ...args, ...images]);
  expect(res.code, res.stderr).toBe(0);
  if (Object.keys(extra).length) {
    const stack = parseDocument(await readFile(join(root, "stack.yaml"), "utf8"));
    for (const [name, svc] of Object.entries(extra)) stack.setIn(["services", name], svc);
    await writeFile(join(root, "stack.yaml"), stack.toString());
  }
  expect((await sh("node", [DEV, "sync"], { cwd: root })).code).toBe(0);
  const envFile = join(root, ".env");
  let env = await readFile(envFile, "utf8");
  for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
  await writeFile(envFile, env);
  entry.dev = new DevProcess(root, ["up"]);
  await entry.dev.waitFor(/^watching /, { timeoutMs: 600_000 });
  return { project, root, dev: entry.dev, proxy: `http://127.0.0.1:${envValue(env, "PROXY_PORT")}` };
}

async function container(project: string, service: string) {
  return (await containers(project)).find((c) => c.service === service)!;
}

/** dev-serve.cjs in the service's container: its pid and its three workers' (serving, two standbys). */
async function launcherOf(root: string, service: string): Promise<{ parent: string; workers: string[] }> {
  let last = "";
  for (let attempt = 0; attempt < 50; attempt++) {
    const ps = await compose(root, ["exec", "-T", service, "ps", "-eo", "pid=,ppid=,args="]);
    last = ps.stdout;
    const procs = ps.stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => /(^|\/)node$/.test(f[2] ?? "") && /dev-serve\.cjs$/.test(f[3] ?? ""));
    const parent = procs.find((p) => procs.some((q) => q[1] === p[0]));
    const workers = procs.filter((p) => p[1] === parent?.[0]).map((p) => p[0]!);
    if (parent && workers.length === 3) return { parent: parent[0]!, workers: workers.sort() };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no dev-serve.cjs with three workers in ${service}:\n${last}`);
}

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, "utf8");
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(file, next);
}

/** An editor's in-place save with the writer pausing between its two halves (truncate, then write). */
async function saveInPlace(file: string, from: string, to: string, pauseMs: number): Promise<void> {
  const text = await readFile(file, "utf8");
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  const handle = await open(file, "w");
  try {
    await new Promise((r) => setTimeout(r, pauseMs));
    await handle.writeFile(next);
  } finally {
    await handle.close();
  }
}

/**
 * The long-lived launcher (`python SCRIPT ...`, started by the supervisor) and the worker it forked
 * (its child running the same command); a Celery worker's pool processes are the worker's children.
 */
async function forked(root: string, service: string, script: string) {
  const ps = await compose(root, ["exec", "-T", service, "ps", "-eo", "pid=,ppid=,args="]);
  const procs = ps.stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => /^python[0-9.]*$/.test(f[2] ?? "") && f[3] === script);
  const parent = procs.find((p) => !procs.some((q) => q[0] === p[1]));
  const workers = procs.filter((p) => p[1] === parent?.[0]);
  expect(parent && workers.length === 1, ps.stdout).toBe(true);
  return { parent: parent![0], worker: workers[0]![0] };
}

afterAll(async () => {
  for (const { project, root, dev } of made) {
    dev?.kill();
    await removeProject(project);
    await cleanupDir(join(root, ".."));
  }
});

describe("node starters", () => {
  it("a save reloads the process in its container, for node (Express from the image's node_modules) and node-http", async () => {
    const { project, root, dev, proxy } = await create("cs-e2e-node-reload", ["--preset", "node", "--proxy", "nginx"], {
      edge: { template: "node-http", route: "/edge" },
    });
    for (const [service, file] of [["web", "server.js"], ["edge", "server.js"]] as const) {
      const before = await container(project, service);
      const launcher = await launcherOf(root, service);
      const from = dev.lines.length;
      // Requests sent all through the save, through the proxy: each is answered (the new process
      // takes over the listening socket before the old one lets go of it).
      const statuses: number[] = [];
      let saved = false;
      const during = (async () => {
        while (!saved) {
          try {
            const res = await fetch(`${proxy}/${service}/x`);
            const body = await res.text();
            statuses.push(res.status);
            if (body.includes(`${service} saved once`)) saved = true;
          } catch {
            statuses.push(0);
          }
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await edit(join(root, "services", service, file), `hello from ${service}`, `${service} saved once`);
      await dev.waitFor(new RegExp(`^${service} reloaded in [\\d.]+ s \\(1 file\\)$`), { from, timeoutMs: 180_000 });
      const res = await getUntilOk(`${proxy}/${service}/x`);
      expect(JSON.parse(res.body)).toMatchObject({ service, message: `${service} saved once` });
      await Promise.race([during, new Promise((r) => setTimeout(r, 10_000))]);
      saved = true;
      expect(statuses.filter((s) => s !== 200), `statuses during the save: ${statuses.join(" ")}`).toEqual([]);
      // dev-serve.cjs stayed up; a standby it had ready serves, and a new standby waits.
      const relaunched = await launcherOf(root, service);
      expect(relaunched.parent).toBe(launcher.parent);
      // Of the three workers before the save, the standbys are still there (one serving) and the old one gone.
      expect(launcher.workers.filter((w) => relaunched.workers.includes(w)), `${launcher.workers} then ${relaunched.workers}`).toHaveLength(2);
      const after = await container(project, service);
      expect(after.id).toBe(before.id);
      expect(after.startedAt).toBe(before.startedAt);
      expect(dev.count(/restarted in|crashed/, from)).toBe(0);
      if (service === "web") expect((await fetch(`${proxy}/web/x`)).headers.get("x-powered-by")).toBe("Express");
    }
    // server.js failing to load on a save ends the container, as `node server.js` would: dev up's
    // crash handling takes it from there, and the fixed file is served.
    const crashFrom = dev.lines.length;
    const edgeFile = join(root, "services/edge/server.js");
    const good = await readFile(edgeFile, "utf8");
    await writeFile(edgeFile, `throw new Error("broken on save");\n${good}`);
    await dev.waitFor(/^edge crashed: /, { from: crashFrom, timeoutMs: 180_000 });
    await writeFile(edgeFile, good);
    const fixed = await getUntilOk(`${proxy}/edge/x`, 180_000);
    expect(JSON.parse(fixed.body)).toMatchObject({ service: "edge", message: "edge saved once" });
    // The image's node_modules is what the app runs with, not the (empty) host folder.
    const modules = await compose(root, ["exec", "-T", "web", "node", "-p", "require.resolve.paths('express')[0] + ' ' + require('fs').existsSync('/app/node_modules/express/package.json')"]);
    expect(modules.stdout.trim()).toBe("/app/node_modules true");
  });
});

describe("the django starter", () => {
  it("a save reloads runserver in place without running migrate again; a new migration is still applied by a save", async () => {
    const { project, root, dev, proxy } = await create("cs-e2e-django-reload", ["--preset", "django", "--proxy", "nginx"]);
    const before = await container(project, "api");
    const logs = async () => (await compose(root, ["logs", "--no-color", "api"])).stdout;
    expect(await logs()).toMatch(/Applying auth\.0001_initial\.\.\. OK/);
    const migrateRuns = async () => (await logs()).match(/Operations to perform:/g)?.length ?? 0;
    expect(await migrateRuns()).toBe(1);
    // serve.py stays up (Django's framework imported once, the listening socket held) and a
    // worker forked from it serves: python serve.py twice, one the parent of the other.
    const servers = () => forked(root, "api", "serve.py");
    const first = await servers();
    const from = dev.lines.length;
    await edit(join(root, "services/api/config/urls.py"), `"hello from api"`, `"saved once"`);
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)$/, { from, timeoutMs: 300_000 });
    const res = await getUntilOk(`${proxy}/api/`);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ service: "api", message: "saved once", database: "sqlite" });
    expect((await container(project, "api")).startedAt).toBe(before.startedAt);
    // Nothing new to apply: no migrate run on the reload. Nor does runserver run the system
    // checks at any start (the test image's Django 3.2 ran them on each; call_command skips them
    // from Django 4.0 on), which would print this line.
    expect(await migrateRuns()).toBe(1);
    expect(await logs()).not.toMatch(/System check identified/);
    // The save forked a new worker from the same parent: Django was not imported again.
    const second = await servers();
    expect(second.parent).toBe(first.parent);
    expect(second.worker).not.toBe(first.worker);
    // A new app's migrations are applied by the reload its save causes.
    const next = dev.lines.length;
    await saveInPlace(join(root, "services/api/config/settings.py"), `"django.contrib.auth",`, `"django.contrib.auth",\n    "django.contrib.sessions",`, 200);
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)$/, { from: next, timeoutMs: 300_000 });
    expect(await logs()).toMatch(/Applying sessions\.0001_initial\.\.\. OK/);
    expect(await migrateRuns()).toBe(2);
    expect((await servers()).parent).toBe(first.parent);
    // One save, one reload: neither the save's two halves (emptied, then written) nor the
    // database file the migration wrote (data, not code) cause another.
    await new Promise((r) => setTimeout(r, 2000));
    expect(dev.count(/^api /, next), dev.lines.slice(next).join("\n")).toBe(1);
  });
});

describe("the fastapi starter", () => {
  it("a save forks a new uvicorn worker from the same long-lived serve.py, which keeps FastAPI imported and the socket bound", async () => {
    const { project, root, dev, proxy } = await create("cs-e2e-fastapi-reload", ["--preset", "fastapi", "--proxy", "nginx"], {}, IMAGE_ARGS);
    const before = await container(project, "api");
    const first = await forked(root, "api", "serve.py");
    const from = dev.lines.length;
    await edit(join(root, "services/api/main.py"), `"hello from api"`, `"saved once"`);
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)$/, { from, timeoutMs: 180_000 });
    const res = await getUntilOk(`${proxy}/api/`);
    expect(JSON.parse(res.body)).toMatchObject({ service: "api", message: "saved once" });
    expect((await container(project, "api")).startedAt).toBe(before.startedAt);
    const second = await forked(root, "api", "serve.py");
    expect(second.parent).toBe(first.parent);
    expect(second.worker).not.toBe(first.worker);
    expect(dev.count(/restarted in|crashed/, from)).toBe(0);
  });
});

// Enqueues add(i, 0) every 50 ms for 4 s from the api's container, then waits for every result;
// prints them and the seconds that wait took.
const BURST = `import json, time
from tasks import add
sent = []
for i in range(80):
    sent.append(add.delay(i, 0))
    time.sleep(0.05)
t = time.monotonic()
results = [r.get(timeout=60) for r in sent]
print(json.dumps({"results": results, "wait": time.monotonic() - t}))
`;

describe("the worker starter", () => {
  it("a save forks a new Celery worker from the same worker.py, and no task sent across the reload is lost", async () => {
    const { project, root, dev } = await create("cs-e2e-worker-reload", ["--preset", "python-http,redis,worker", "--proxy", "nginx"], {}, IMAGE_ARGS);
    const before = await container(project, "worker");
    const run = (code: string) => compose(root, ["exec", "-T", "api", "python", "-c", code], 120_000);
    expect((await run("from tasks import add; print(add.delay(2, 3).get(timeout=60))")).stdout.trim()).toBe("5");
    const first = await forked(root, "worker", "worker.py");
    // The api (python-http) shares the code: its serve.py keeps the requirements (Celery, redis-py)
    // imported and forks a worker that runs app.py.
    const api = await forked(root, "api", "serve.py");
    const from = dev.lines.length;
    const burst = run(BURST);
    await new Promise((r) => setTimeout(r, 1000));
    await edit(join(root, "services/api/tasks.py"), "return x + y", "return x + y + 1000");
    await dev.waitFor(/^worker reloaded in [\d.]+ s \(1 file\)$/, { from, timeoutMs: 180_000 });
    const done = await burst;
    expect(done.code, done.stderr).toBe(0);
    const { results, wait } = JSON.parse(done.stdout) as { results: number[]; wait: number };
    // Each task done once, by the old code or (from the reload on) the new one, none held back:
    // a task the old worker had taken off the queue as it stopped came back only after a visibility
    // timeout, if at all.
    expect(results.map((r, i) => r - i).every((d) => d === 0 || d === 1000), done.stdout).toBe(true);
    expect(results.at(-1)).toBe(79 + 1000);
    expect(wait, done.stdout).toBeLessThan(10);
    expect((await container(project, "worker")).startedAt).toBe(before.startedAt);
    const second = await forked(root, "worker", "worker.py");
    expect(second.parent).toBe(first.parent);
    expect(second.worker).not.toBe(first.worker);
    expect(dev.count(/^worker (restarted|crashed)/, from)).toBe(0);
    // The save reloaded the api too, from the same long-lived serve.py.
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)$/, { from, timeoutMs: 180_000 });
    const apiAfter = await forked(root, "api", "serve.py");
    expect(apiAfter.parent).toBe(api.parent);
    expect(apiAfter.worker).not.toBe(api.worker);
    expect(dev.count(/^api (restarted|crashed)/, from)).toBe(0);
    // Dev only: the forked worker skips mingle's second of waiting for other workers.
    expect((await compose(root, ["logs", "--no-color", "worker"])).stdout).not.toMatch(/mingle: searching for neighbors/);
  });
});
