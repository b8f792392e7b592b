import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { startOwnEngine, type OwnEngine } from "./own-engine.js";
import { CREATE_STACK, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, testImage, uniqueName } from "./support.js";

// Stopping a Docker daemon stops every container on it: the test stops and starts a daemon of
// its own, never the machine's engine. Every docker client here (the CLI under test, compose,
// the support functions) reaches it through DOCKER_HOST.
async function waitUntil(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("dev up when the engine restarts", () => {
  const project = uniqueName("cs-e2e-daemon");
  let root = "";
  let dev: DevProcess | undefined;
  let engine: OwnEngine | undefined;
  const mainHost = process.env.DOCKER_HOST;
  /** The machine's engine's default bridge (docker0): a second daemon must leave it alone. */
  let mainBridge = "";
  const mainBridgeThere = async () => (await sh("ip", ["link", "show", mainBridge])).code === 0;

  beforeAll(async () => {
    mainBridge = (await sh("docker", ["network", "inspect", "bridge", "--format", '{{index .Options "com.docker.network.bridge.name"}}'])).stdout.trim() || "docker0";
    expect(await mainBridgeThere(), `the machine's engine has no ${mainBridge}`).toBe(true);
    engine = await startOwnEngine();
    await engine.load(["postgres", "redis", "nginx", "python"].map(testImage));
    process.env.DOCKER_HOST = engine.host;
  });

  afterAll(async () => {
    dev?.kill();
    if (engine) await removeProject(project).catch(() => undefined);
    if (mainHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = mainHost;
    await engine?.remove();
    if (root) await cleanupDir(join(root, ".."));
  });

  it("brings every service back in dependency order, says so in one line, and the route answers", async () => {
    root = join(await tempDir(), project);
    const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http,worker,postgres,redis", "--proxy", "nginx", "--health-interval", "1s", ...IMAGE_ARGS]);
    expect(made.code, made.stderr).toBe(0);
    dev = new DevProcess(root, ["up"]);
    await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
    const proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
    expect((await getUntilOk(`${proxy}/api/`)).status).toBe(200);
    const services = (await containers(project)).map((c) => c.service).sort();
    expect(services).toEqual(["api", "nginx", "postgres", "redis", "worker"]);

    // Another container on the engine that takes its whole stop timeout to go: the daemon's
    // shutdown (and its event stream) lasts longer than the window after the project's stops.
    const slow = await sh("docker", ["run", "-d", "--stop-timeout", "6", testImage("python"), "sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"]);
    expect(slow.code, slow.stderr).toBe(0);
    // Running is not enough: a TERM before its trap is set would end it at once.
    await waitUntil(async () => (await sh("docker", ["logs", slow.stdout.trim()])).stdout.includes("ready"), 30_000);

    const from = dev.lines.length;
    const t0 = performance.now();
    await engine!.stop();
    const stoppedIn = (performance.now() - t0) / 1000;
    await engine!.start();
    // Longer than the window a stop from outside waits for a start (3 s): the project's stops are
    // long past it when the event stream drops.
    expect(stoppedIn).toBeGreaterThan(4);
    const i = await dev.waitFor(/^engine back: /, { from, timeoutMs: 240_000 });
    expect(dev.lines[i], dev.lines.slice(from).join("\n")).toMatch(/^engine back: 5 services restarted in [\d.]+ s \(/);
    // Dependencies first: the add-ons and the proxy before the app services that need them.
    const order = /\((.*)\)$/.exec(dev.lines[i]!)![1]!.split(", ");
    expect(order.indexOf("postgres")).toBeLessThan(order.indexOf("api"));
    expect(order.indexOf("redis")).toBeLessThan(order.indexOf("worker"));
    // Nothing per service (no "stopped from outside", no restart, no crash): one line that the
    // engine is away, one that it is back.
    expect(dev.lines.slice(from, i + 1)).toEqual(["engine unreachable: waiting for it to come back", dev.lines[i]]);

    const after = await containers(project);
    expect(after.map((c) => [c.service, c.status]).sort()).toEqual(services.map((s) => [s, "running"]));
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`, 60_000)).body).service).toBe("api");
    expect(dev.lines.slice(from)).toHaveLength(2);
    // The machine's engine kept its bridge through the own daemon's starts and stop.
    expect(await mainBridgeThere(), `${mainBridge} is gone`).toBe(true);
    console.info(`engine stopped in ${stoppedIn.toFixed(1)} s; dev up: ${dev.lines[i]}`);
  });
});
