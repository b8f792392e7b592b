import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

// Another program takes a service's host port while the service is down: `dev up` moves the port
// as it does at start and brings the service back on it; `dev start` says what fixes it.
const project = uniqueName("cs-e2e-port-taken");
/** The stack whose port is taken between dev up's check and its start. */
const racing = uniqueName("cs-e2e-port-race");
let root = "";
let racingRoot = "";
let dev: DevProcess;
const holders: Server[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Another program taking the port, as soon as the stopped container lets it go. */
async function takePort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(true));
    });
    if (ok) {
      holders.push(server);
      return;
    }
    if (Date.now() > deadline) throw new Error(`port ${port} never came free`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const envOf = async () => readFile(join(root, ".env"), "utf8");

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http", "--proxy", "nginx", "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  let env = await envOf();
  for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
  await writeFile(join(root, ".env"), env);
  dev = new DevProcess(root, ["up"]);
  await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
});

afterAll(async () => {
  dev?.kill();
  for (const h of holders) h.close();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
  if (racingRoot) {
    await removeProject(racing);
    await cleanupDir(join(racingRoot, ".."));
  }
});

describe("a host port taken while the service is down", () => {
  it("dev up moves it to a free one (updating .env, saying so) and brings the service back on it; saves go on", async () => {
    const port = Number(envValue(await envOf(), "API_PORT"));
    const api = (await containers(project)).find((c) => c.service === "api")!;
    const from = dev.lines.length;
    expect((await sh("docker", ["stop", "-t", "1", api.id])).code).toBe(0);
    // Within the 3 s a restart's start may take to follow the stop.
    await takePort(port);
    const moved = dev.lines[await dev.waitFor(new RegExp(`^API_PORT: port ${port} is taken by another program; using (\\d+) \\(updated \\.env\\)$`), { from, timeoutMs: 60_000 })]!;
    const next = Number(/using (\d+)/.exec(moved)![1]);
    await dev.waitFor(/^api recreated in [\d.]+ s on a free host port \(after it was stopped from outside\)$/, { from, timeoutMs: 60_000 });
    expect(envValue(await envOf(), "API_PORT")).toBe(String(next));
    expect((await getUntilOk(`http://127.0.0.1:${next}/`)).status).toBe(200);
    const said = dev.lines.slice(from).join("\n");
    expect(said).not.toMatch(/looks like a bug|HTTP code 500/);

    const save = dev.lines.length;
    const file = join(root, "services/api/app.py");
    const code = await readFile(file, "utf8");
    await writeFile(file, code.replace("hello from api", "saved after the move"));
    await dev.waitFor(/^api reloaded in [\d.]+ s \(1 file\)$/, { from: save, timeoutMs: 60_000 });
    expect((await getUntilOk(`http://127.0.0.1:${next}/`)).body).toContain("saved after the move");
    expect(dev.lines.slice(save).join("\n")).not.toMatch(/looks like a bug|already allocated/);
  });

  it("dev start with its port taken fails with the way out: dev up, or the .env key to change", async () => {
    dev.kill();
    const port = Number(envValue(await envOf(), "API_PORT"));
    expect((await sh("node", [DEV, "stop", "api"], { cwd: root })).code).toBe(0);
    await takePort(port);
    const res = await sh("node", [DEV, "start", "api"], { cwd: root });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`host port ${port} is taken by another program`));
    expect(res.stderr).toMatch(/hint: `dev up` moves host ports other programs took to free ones \(and updates \.env\); or stop the program holding it, or set API_PORT in \.env/);
    expect(res.stderr).not.toMatch(/looks like a bug/);
  });
});

describe("a host port taken between dev up's check and the container's start", () => {
  it("dev up moves it, makes the container again on the free one and the stack starts", async () => {
    racingRoot = join(await tempDir(), racing);
    const made = await sh("node", [CREATE_STACK, racingRoot, "--yes", "--name", racing, "--preset", "python-http,postgres", "--proxy", "nginx", "--health-interval", "1s", ...IMAGE_ARGS]);
    expect(made.code, made.stderr).toBe(0);
    const envFile = join(racingRoot, ".env");
    let env = await readFile(envFile, "utf8");
    for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
    await writeFile(envFile, env);
    const port = Number(envValue(env, "API_PORT"));

    // Another stack starting at the same moment, made to happen every time: once compose has
    // created api's container (dev up checked the ports before that), another program takes its
    // port. api waits for postgres to be healthy before it starts: the window is postgres's start.
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const events = spawn("docker", ["events", "--since", since, "--filter", "type=container", "--filter", "event=create", "--filter", `label=com.docker.compose.project=${racing}`, "--format", '{{index .Actor.Attributes "com.docker.compose.service"}}'], { stdio: ["ignore", "pipe", "ignore"] });
    let taken: Promise<void> | undefined;
    events.stdout.on("data", (d: Buffer) => {
      if (!taken && d.toString().split("\n").includes("api")) taken = takePort(port);
    });
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: racingRoot, env: { NO_COLOR: "1" }, timeoutMs: 300_000 });
    events.kill();
    expect(taken, `api's container was never created; dev up said:\n${up.stdout}${up.stderr}`).toBeDefined();
    await taken;
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const moved = new RegExp(`^API_PORT: port ${port} is taken by another program; using (\\d+) \\(updated \\.env\\)$`, "m").exec(up.stdout);
    expect(moved, up.stdout).not.toBeNull();
    const next = Number(moved![1]);
    expect(envValue(await readFile(envFile, "utf8"), "API_PORT")).toBe(String(next));
    // The move came after the start had begun: postgres was started before api could not be.
    const postgresReady = /^ {2}postgres +healthy \(/m.exec(up.stdout);
    expect(postgresReady?.index, up.stdout).toBeLessThan(moved!.index);
    expect((await getUntilOk(`http://127.0.0.1:${next}/`)).status).toBe(200);
    expect(up.stdout + up.stderr).not.toMatch(/looks like a bug|already allocated/);
  });

  it("dev add service moves the new service's port when another program takes it before its start", async () => {
    // The plan writes SHOP_PORT into .env before the build; once compose has created shop's
    // container, another program takes that port, before the container's start publishes it.
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const events = spawn("docker", ["events", "--since", since, "--filter", "type=container", "--filter", "event=create", "--filter", `label=com.docker.compose.project=${racing}`, "--format", '{{index .Actor.Attributes "com.docker.compose.service"}}'], { stdio: ["ignore", "pipe", "ignore"] });
    let port = 0;
    let taken: Promise<void> | undefined;
    events.stdout.on("data", (d: Buffer) => {
      if (taken || !d.toString().split("\n").includes("shop")) return;
      taken = readFile(join(racingRoot, ".env"), "utf8").then((env) => takePort((port = Number(envValue(env, "SHOP_PORT")))));
    });
    const add = await sh("node", [DEV, "add", "service", "shop", "--route", "/shop"], { cwd: racingRoot, env: { NO_COLOR: "1" }, timeoutMs: 300_000 });
    events.kill();
    expect(taken, `shop's container was never created; dev add said:\n${add.stdout}${add.stderr}`).toBeDefined();
    await taken;
    expect(add.code, add.stdout + add.stderr).toBe(0);
    const moved = new RegExp(`^SHOP_PORT: port ${port} is taken by another program; using (\\d+) \\(updated \\.env\\)$`, "m").exec(add.stdout);
    expect(moved, add.stdout).not.toBeNull();
    const next = Number(moved![1]);
    expect(envValue(await readFile(join(racingRoot, ".env"), "utf8"), "SHOP_PORT")).toBe(String(next));
    expect((await getUntilOk(`http://127.0.0.1:${next}/`)).status).toBe(200);
    expect(add.stdout, add.stdout).toMatch(/^shop answers at http:\/\/\S+\/shop\/ /m);
    expect(add.stdout + add.stderr).not.toMatch(/looks like a bug|already allocated/);
  });
});
