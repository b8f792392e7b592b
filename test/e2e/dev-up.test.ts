import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DevProcess } from "./dev-process.js";
import {
  CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, compose, composeCommand, containers, envValue, getUntilOk, leftovers, removeProject, sh, tempDir, uniqueName,
} from "./support.js";

const project = uniqueName("cs-e2e-devup");
let root = "";
let dev: DevProcess;
let proxy = "";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; fails after `timeoutMs`, saying what it waited for. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function task(): Promise<string> {
  const res = await compose(root, ["exec", "-T", "api", "python", "-c", "from tasks import add; print(add.delay(2, 3).get(timeout=30))"]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.trim();
}

async function ids(): Promise<Record<string, string>> {
  return Object.fromEntries((await containers(project)).map((c) => [c.service, `${c.id}@${c.startedAt}`]));
}

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  // A third service with its own folder, and a shared lib/ watched by api and worker.
  const stack = parseDocument(await readFile(join(root, "stack.yaml"), "utf8"));
  stack.setIn(["services", "api", "watch"], ["lib"]);
  stack.setIn(["services", "worker", "watch"], ["lib"]);
  stack.setIn(["services", "search"], { template: "python-http", port: 8000, route: "/search" });
  await writeFile(join(root, "stack.yaml"), stack.toString());
  await mkdir(join(root, "lib"));
  await writeFile(join(root, "lib", "shared.py"), "VALUE = 1\n");
  dev = new DevProcess(root, ["up"]);
  await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
  proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
});

afterAll(async () => {
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("dev up", () => {
  it("starts the whole stack healthy and prints the table with URLs", async () => {
    expect(dev.lines.join("\n")).toMatch(/is up in [\d.]+ s/);
    expect(dev.lines.join("\n")).toContain(`${proxy}/api`);
    expect(dev.lines.join("\n")).toMatch(/watching api, worker, search/);
    expect(JSON.parse((await getUntilOk(`${proxy}/search/`)).body)).toMatchObject({ service: "search" });
  });

  it("an api edit is served through the proxy after a reload of the api only, in its container", async () => {
    const before = await ids();
    const from = dev.lines.length;
    const file = join(root, "services/api/app.py");
    await writeFile(file, (await readFile(file, "utf8")).replace("hello from api", "hello edited"));
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)/, { from });
    await dev.waitFor(/^worker reloaded in [\d.]+ s \(1 file\)/, { from });
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body).message).toBe("hello edited");
    const after = await ids();
    // api and worker share services/api, so both reload their process; no container restarts.
    for (const s of ["postgres", "redis", "nginx", "search", "api", "worker"]) expect(after[s]).toBe(before[s]);
  });

  it("a task edit reaches the worker", async () => {
    expect(await task()).toBe("5");
    const from = dev.lines.length;
    const file = join(root, "services/api/tasks.py");
    await writeFile(file, (await readFile(file, "utf8")).replace("return x + y", "return (x + y) * 100"));
    await dev.waitFor(/^worker reloaded in/, { from });
    expect(await task()).toBe("500");
  });

  it("a worker reload lets the task in hand finish (warm shutdown within its stop timeout)", async () => {
    let from = dev.lines.length;
    const file = join(root, "services/api/tasks.py");
    await appendFile(file, "\n\n@app.task\ndef slow(seconds):\n    import time\n    time.sleep(seconds)\n    return 'finished'\n");
    await dev.waitFor(/^worker reloaded in/, { from });
    await dev.waitFor(/^api reloaded in/, { from });
    // The client runs in a one-off container: dev up must leave it alone while it restarts the api.
    const result = compose(root, ["run", "--rm", "--no-deps", "-T", "api", "python", "-c", "from tasks import slow; print(slow.delay(6).get(timeout=90))"]);
    // Touch the code only once the worker holds the task (on a busy machine that can take a while).
    const worker = (await containers(project)).find((c) => c.service === "worker")!;
    await until(async () => /Task tasks\.slow\[[^\]]+\] received/.test((await sh("docker", ["logs", "--tail", "50", worker.id])).stderr), "the worker to receive tasks.slow");
    from = dev.lines.length;
    await appendFile(file, "# touched while a task runs\n");
    const done = await result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe("finished");
    const line = dev.lines[await dev.waitFor(/^worker reloaded in/, { from })]!;
    // It waited for the task (several seconds left of it) rather than killing it.
    expect(Number(/in ([\d.]+) s/.exec(line)![1])).toBeGreaterThan(2);
  });

  it("a shared path restarts every service that watches it", async () => {
    const from = dev.lines.length;
    await appendFile(join(root, "lib/shared.py"), "OTHER = 2\n");
    await dev.waitFor(/^api reloaded/, { from });
    await dev.waitFor(/^worker reloaded/, { from });
    // search must not have restarted for lib/: a change of its own, made now, gives its first restart line.
    const marker = dev.lines.length;
    await appendFile(join(root, "services/search/app.py"), "# marker\n");
    const line = await dev.waitFor(/^search reloaded/, { from: marker });
    expect(dev.lines[line]).toMatch(/\(1 file\)/);
    expect(dev.count(/^search reloaded/, from), dev.lines.slice(from).join("\n")).toBe(1);
  });

  it("a 1,000-file burst gives exactly one restart per affected service", async () => {
    const from = dev.lines.length;
    await mkdir(join(root, "services/search/generated"));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(join(root, `services/search/generated/f${i}.py`), `X = ${i}\n`)));
    await dev.waitFor(/^search reloaded in [\d.]+ s \(1000 files\)/, { from });
    // Whatever the burst left pending would be merged into (or come before) the next restart: the
    // next change must restart search once more, for exactly its own file.
    const marker = dev.lines.length;
    await appendFile(join(root, "services/search/app.py"), "# after the burst\n");
    const line = await dev.waitFor(/reloaded in/, { from: marker });
    expect(dev.lines[line]).toMatch(/^search reloaded in [\d.]+ s \(1 file\)/);
    expect(dev.count(/reloaded in/, from), dev.lines.slice(from).join("\n")).toBe(2);
  });

  it("a Dockerfile change rebuilds and recreates only that service", async () => {
    const before = await ids();
    const from = dev.lines.length;
    await appendFile(join(root, "services/search/Dockerfile"), "\n# rebuilt\n");
    await dev.waitFor(/^search rebuilt and restarted in/, { from, timeoutMs: 180_000 });
    const after = await ids();
    expect(after.search).not.toBe(before.search);
    for (const s of ["api", "worker", "postgres", "redis", "nginx"]) expect(after[s]).toBe(before[s]);
    expect((await getUntilOk(`${proxy}/search/`)).status).toBe(200);
  });

  it("a crashed process is reported with its last lines and restarted", async () => {
    const from = dev.lines.length;
    const search = (await containers(project)).find((c) => c.service === "search")!;
    await sh("docker", ["exec", search.id, "sh", "-c", "kill $(pgrep -f 'python serve.py')"]);
    await dev.waitFor(/^search crashed: .*restarting in/, { from });
    await dev.waitFor(/^search restarted in .*after a crash/, { from });
    expect((await getUntilOk(`${proxy}/search/`)).status).toBe(200);
  });

  it("an invalid stack.yaml edit is reported and the stack keeps running; a valid one is applied", async () => {
    const from = dev.lines.length;
    const file = join(root, "stack.yaml");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace("route: /search", "route: search"));
    await dev.waitFor(/route "search" must start with "\/"/, { from });
    await dev.waitFor(/still running the previous stack.yaml/, { from });
    expect((await getUntilOk(`${proxy}/search/`)).status).toBe(200);

    // A valid edit is applied: the layers are regenerated and compose recreates what changed.
    const next = parseDocument(good);
    next.setIn(["services", "search", "env"], { GREETING: "hi" });
    const applied = dev.lines.length;
    await writeFile(file, next.toString());
    await dev.waitFor(/^stack\.yaml changed: updated .*compose\.yaml/, { from: applied });
    const deadline = Date.now() + 60_000;
    let greeting = "";
    while (Date.now() < deadline && greeting !== "hi") {
      greeting = (await compose(root, ["exec", "-T", "search", "sh", "-c", "echo $GREETING"])).stdout.trim();
      if (greeting !== "hi") await sleep(500);
    }
    expect(greeting).toBe("hi");
  });

  it("status, logs and restart from a second terminal", async () => {
    const status = JSON.parse((await sh("node", [DEV, "status", "--json"], { cwd: root })).stdout);
    const api = status.services.find((s: { service: string }) => s.service === "api");
    expect(api).toMatchObject({ state: "running", health: "healthy", url: `${proxy}/api` });
    expect(api.ports[0]).toMatch(/^127\.0\.0\.1:\d+->8000$/);

    await getUntilOk(`${proxy}/api/from-logs-test`);
    const logs = await sh("node", [DEV, "logs", "api", "--tail", "20"], { cwd: root });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^api \| .*GET \/from-logs-test/m);

    const from = dev.lines.length;
    const restarted = await sh("node", [DEV, "restart", "search"], { cwd: root });
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/^search restarted in [\d.]+ s$/m);
    expect((await getUntilOk(`${proxy}/search/`)).status).toBe(200);
    // A restart asked for by the user is not a crash for the watching dev up. The engine's events
    // come in order: once a later change's restart is reported, a crash report would have come first.
    const marker = dev.lines.length;
    await appendFile(join(root, "services/search/app.py"), "# after the manual restart\n");
    await dev.waitFor(/^search reloaded in [\d.]+ s \(1 file\)/, { from: marker });
    expect(dev.count(/crashed/, from), dev.lines.slice(from).join("\n")).toBe(0);
  });

  // Last before the stop: it recreates api and worker, whose health the status test reads.
  it("a failing build of the folder api and worker share: progress in the builder's words, the failure shown once quoting its error; a fix rebuilds both", async () => {
    // BuildKit (compose v2) and the classic builder (v1) word progress and failures differently.
    const v2 = (await composeCommand())[0] === "docker";
    const dockerfile = join(root, "services/api/Dockerfile");
    const original = await readFile(dockerfile, "utf8");
    const marker = `${project}-shared`;
    const from = dev.lines.length;
    await writeFile(dockerfile, `${original}RUN echo ${marker} && exit 3\n`);
    await dev.waitFor(/^(api|worker): the same build failure as (api|worker) \(shared folder services\/api\)/, { from, timeoutMs: 240_000 });
    const out = dev.lines.slice(from).join("\n");
    expect(out).toMatch(v2 ? /^ {2}\| #\d+ \[(api|worker) \d+\/\d+\] RUN echo /m : /^ {2}\| Step \d+\/\d+ : RUN echo /m);
    expect(out.match(/save a fix \(services\/api\/Dockerfile/g), out).toHaveLength(1);
    expect(out).toMatch(v2 ? /did not complete successfully: exit code: 3/ : /returned a non-zero code: 3/);
    expect(out).not.toContain("\x1b[");
    const fixed = dev.lines.length;
    await writeFile(dockerfile, original);
    await dev.waitFor(/^api rebuilt and restarted/, { from: fixed, timeoutMs: 240_000 });
    await dev.waitFor(/^worker rebuilt and restarted/, { from: fixed, timeoutMs: 240_000 });
    expect((await getUntilOk(`${proxy}/api/`)).status).toBe(200);
  });

  it("Ctrl-C stops watching and the stack; dev down leaves nothing but the volumes", async () => {
    dev.interrupt();
    expect(await dev.exited).toBe(0);
    expect(dev.lines.join("\n")).toMatch(/stopped \(containers kept/);
    expect((await containers(project)).filter((c) => c.status === "running")).toEqual([]);
    const down = await sh("node", [DEV, "down"], { cwd: root });
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 2 });
    const downVolumes = await sh("node", [DEV, "down", "--volumes"], { cwd: root });
    expect(downVolumes.code, downVolumes.stderr).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
