import { createServer, type Server } from "node:net";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import {
  CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, compose, envValue, getUntilOk, removeProject, sh, tempDir, testImage, uniqueName,
} from "./support.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function scaffold(prefix: string, extra: string[]): Promise<{ root: string; project: string }> {
  const project = uniqueName(prefix);
  const root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS, ...extra]);
  expect(made.code, made.stderr).toBe(0);
  cleanups.push(() => removeProject(project), () => cleanupDir(join(root, "..")));
  return { root, project };
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("dev up when things are wrong", () => {
  it("a host port taken since scaffolding moves to a free one, says so, and updates .env", async () => {
    const { root } = await scaffold("cs-e2e-port", ["--preset", "python-http", "--proxy", "nginx"]);
    const taken = Number(envValue(await readFile(join(root, ".env"), "utf8"), "API_PORT"));
    const blocker = await listen(taken);
    cleanups.push(() => new Promise((r) => blocker.close(() => r())));
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root });
    expect(up.code, up.stderr + up.stdout).toBe(0);
    expect(up.stdout).toContain(`API_PORT: port ${taken} is taken by another program; using`);
    const moved = Number(envValue(await readFile(join(root, ".env"), "utf8"), "API_PORT"));
    expect(moved).not.toBe(taken);
    // The next free port above it, as dev add service chooses one: not a random port.
    expect(moved).toBeGreaterThan(taken);
    expect(moved).toBeLessThanOrEqual(taken + 100);
    expect(JSON.parse((await getUntilOk(`http://127.0.0.1:${moved}/`)).body).service).toBe("api");
    expect((await sh("node", [DEV, "down", "--volumes"], { cwd: root })).code).toBe(0);
  });

  it("a service that never gets healthy fails dev up with exit 1, naming it, with its last log lines", async () => {
    const { root } = await scaffold("cs-e2e-unhealthy", ["--preset", "python-http", "--proxy", "none"]);
    const app = join(root, "services/api/app.py");
    await writeFile(app, (await readFile(app, "utf8")).replace("import json", "import json\nraise RuntimeError('database schema is missing')"));
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^error: api exited with code 1/m);
    expect(up.stderr).toContain("RuntimeError: database schema is missing");
    expect(up.stderr).toMatch(/hint: /);
  });

  it("an image that cannot be pulled: compose's own error, in its version's words, and the way out", async () => {
    // redis mapped to an image no registry here has: the engine tries docker.io, which this
    // machine cannot reach (as offline). compose v1 and v2 each word the failure their way.
    const missing = testImage("no-such-image");
    const args = IMAGE_ARGS.map((a) => (a === `redis:7=${testImage("redis")}` ? `redis:7=${missing}` : a));
    const project = uniqueName("cs-e2e-pull");
    const root = join(await tempDir(), project);
    const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http,redis", "--proxy", "none", ...args]);
    expect(made.code, made.stderr).toBe(0);
    cleanups.push(() => removeProject(project), () => cleanupDir(join(root, "..")));
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, env: { NO_COLOR: "1" } });
    expect(up.code, up.stdout + up.stderr).toBe(1);
    // v1 names the image ("Pulling redis (.../no-such-image:latest)..."), v2 only the service
    // ("redis Error Get ..."): the service, in the lines quoted, either way.
    expect(up.stderr).toMatch(/Pulling redis \(|redis Error/);
    expect(up.stderr).toMatch(/no such host|pull access denied|i\/o timeout|connection refused|network is unreachable/);
    expect(up.stderr).toMatch(/hint: an image could not be pulled/);
    // The stack's images, with the images: lines that map them (here: as already mapped).
    expect(up.stderr).toContain(`redis:7 (redis; now mapped to ${missing})`);
    expect(up.stderr).toContain(`\n          images:\n`);
    expect(up.stderr).toContain(`\n            redis:7: ${missing}\n`);
    // No proxy here: nothing about switching one.
    expect(up.stderr).not.toMatch(/--replace|--proxy/);
    expect(up.stderr).not.toContain("\x1b[");
  });

  it("Traefik that cannot be pulled: the hint offers the switch to nginx, which runs through the plan and leaves no Traefik file behind", async () => {
    // No test image stands in for traefik:v3.3: as on a machine offline or behind a mirror.
    const { root, project } = await scaffold("cs-e2e-switch", ["--preset", "python-http", "--proxy", "traefik"]);
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, env: { NO_COLOR: "1" } });
    expect(up.code, up.stdout + up.stderr).toBe(1);
    expect(up.stderr).toMatch(/hint: an image could not be pulled/);
    expect(up.stderr).toMatch(/traefik:v3\.3 \(traefik\)/);
    expect(up.stderr).toContain("\n            traefik:v3.3: registry.example.com/traefik:v3.3\n");
    expect(up.stderr).toContain("`dev add preset nginx --replace traefik`");

    // A second proxy is refused with the same way out.
    const refused = await sh("node", [DEV, "add", "preset", "nginx"], { cwd: root });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("hint: switch it: dev add preset nginx --replace traefik");

    const sw = await sh("node", [DEV, "add", "preset", "nginx", "--replace", "traefik"], { cwd: root });
    expect(sw.code, sw.stdout + sw.stderr).toBe(0);
    for (const f of ["proxy/socket-proxy/nginx.conf", "proxy/socket-proxy/engine-filter.js", "proxy/traefik/tls.yaml"]) expect(sw.stdout).toMatch(new RegExp(`^DELETE ${f}$`, "m"));
    expect(sw.stdout).toMatch(/^CREATE proxy\/nginx\/default\.conf$/m);
    expect(sw.stdout).toMatch(/^UPDATE README\.md$/m);
    expect(sw.stdout).toContain("note: nginx replaces traefik");
    expect(existsSync(join(root, "proxy/socket-proxy/nginx.conf"))).toBe(false);
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toMatch(/^presets: \[.*nginx.*\]/m);
    expect(await readFile(join(root, "stack.yaml"), "utf8")).not.toContain("traefik");
    const readme = await readFile(join(root, "README.md"), "utf8");
    expect(readme).not.toMatch(/Traefik|socket-proxy/);

    const again = await sh("node", [DEV, "up", "--no-watch"], { cwd: root });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const port = envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT");
    const res = await getUntilOk(`http://127.0.0.1:${port}/api/hello`);
    expect(JSON.parse(res.body).service).toBe("api");
    expect((await sh("docker", ["ps", "-a", "--format", "{{.Names}}", "--filter", `label=com.docker.compose.project=${project}`])).stdout).not.toMatch(/traefik|socket-proxy/);
    expect((await sh("node", [DEV, "down", "--volumes"], { cwd: root })).code).toBe(0);
  });

  it("unknown services are refused before anything starts", async () => {
    const { root, project } = await scaffold("cs-e2e-unknown", ["--preset", "python-http", "--proxy", "none"]);
    const up = await sh("node", [DEV, "up", "ghost"], { cwd: root });
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/unknown service: ghost[\s\S]*hint: services: api/);
    expect((await sh("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])).stdout.trim()).toBe("");
  });

  it("Ctrl-C twice forces the exit while the stack is being stopped", async () => {
    const { root } = await scaffold("cs-e2e-sigint", ["--preset", "python-http", "--proxy", "none"]);
    const dev = new DevProcess(root, ["up"]);
    await dev.waitFor(/^watching /, { timeoutMs: 180_000 });
    dev.interrupt();
    await dev.waitFor(/Ctrl-C again to force/);
    dev.interrupt();
    expect(await dev.exited).toBe(130);
    expect(dev.lines.join("\n")).toContain("forced exit; the stack is left as it is");
  });

  it("a FastAPI service runs and answers through nginx", async () => {
    const { root } = await scaffold("cs-e2e-fastapi", ["--preset", "fastapi,postgres", "--proxy", "nginx"]);
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root });
    expect(up.code, up.stderr).toBe(0);
    const proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body)).toEqual({ service: "api", message: "hello from api" });
    expect((await compose(root, ["down", "-v"])).code).toBe(0);
  });
});
