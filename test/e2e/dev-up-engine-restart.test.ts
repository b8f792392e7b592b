import { spawn, execFileSync } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

// Stopping the Docker daemon stops every container on it, everyone's: this test runs only where
// it has the engine to itself (CI sets the variable), never by default.
const enabled = process.env.CREATE_STACK_E2E_DAEMON_RESTART === "1";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function engineAnswers(): boolean {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Restarts dockerd as test/images/ensure-engine.sh starts it: stop the process, wait until it is
 * gone, start it again with the same command line, wait until `docker info` answers.
 */
async function restartDockerd(): Promise<void> {
  const pid = execFileSync("pgrep", ["-xo", "dockerd"], { encoding: "utf8" }).trim();
  if (!pid) throw new Error("no dockerd process to restart");
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  process.kill(Number(pid), "SIGTERM");
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(Number(pid), 0);
    } catch {
      break;
    }
    await sleep(100);
  }
  const log = openSync(process.env.DOCKERD_LOG ?? "/var/log/dockerd.log", "a");
  spawn(cmdline[0]!, cmdline.slice(1), { detached: true, stdio: ["ignore", log, log] }).unref();
  for (let i = 0; i < 120 && !engineAnswers(); i++) await sleep(500);
  if (!engineAnswers()) throw new Error("dockerd did not answer again within 60 s");
}

describe.skipIf(!enabled)("dev up when the engine restarts", () => {
  const project = uniqueName("cs-e2e-daemon");
  let root = "";
  let dev: DevProcess | undefined;

  afterAll(async () => {
    dev?.kill();
    await removeProject(project);
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

    const from = dev.lines.length;
    await restartDockerd();
    const i = await dev.waitFor(/^engine back: /, { from, timeoutMs: 240_000 });
    expect(dev.lines[i]).toMatch(/^engine back: 5 services restarted in [\d.]+ s \(/);
    // Dependencies first: the add-ons and the proxy before the app services that need them.
    const order = /\((.*)\)$/.exec(dev.lines[i]!)![1]!.split(", ");
    expect(order.indexOf("postgres")).toBeLessThan(order.indexOf("api"));
    expect(order.indexOf("redis")).toBeLessThan(order.indexOf("worker"));
    expect(dev.count(/^engine back/, from)).toBe(1);
    // The restarts are one line: none per service, and no crash. (dockerd stops its containers
    // before the event stream drops, so each was first reported as stopped from outside, with its
    // restart cancelled once the engine was away.)
    expect(dev.count(/^\S+ (restarted in|recreated in|crashed)/, from), dev.lines.slice(from).join("\n")).toBe(0);

    const after = await containers(project);
    expect(after.map((c) => [c.service, c.status]).sort()).toEqual(services.map((s) => [s, "running"]));
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`, 60_000)).body).service).toBe("api");
  });
});
