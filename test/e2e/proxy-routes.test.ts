import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, envValue, removeProject, sh, tempDir, testImage, uniqueName } from "./support.js";

// A `dev add service` whose build fails has written the new routes; the proxy must still come to
// serve them once the service is fixed (nginx kept the old config: the route reached no one or
// another service), and `dev status` / `dev sync` see and mend the difference.

const project = uniqueName("cs-e2e-routes");
let root = "";
let proxy = "";
let dev: DevProcess | undefined;

const ROUTES = "/.well-known/create-stack/routes";
const broken = `FROM ${testImage("python")}\nRUN exit 3\n`;
const working = `FROM ${testImage("python")}\nWORKDIR /srv\nCOPY . .\nEXPOSE 8000\nCMD ["python3", "app.py"]\n`;
const app = (name: string) => `import json
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        data = json.dumps({"service": "${name}"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

HTTPServer(("0.0.0.0", 8000), H).serve_forever()
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function ownService(name: string): Promise<void> {
  await mkdir(join(root, "services", name), { recursive: true });
  await writeFile(join(root, "services", name, "Dockerfile"), broken);
  await writeFile(join(root, "services", name, "app.py"), app(name));
}

const served = async () => (await fetch(`${proxy}${ROUTES}`)).text();

/** Which service answers a path through the proxy (nginx names it), polled until `want`. */
async function answeredBy(path: string, want: string, timeoutMs = 120_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    const res = await fetch(`${proxy}${path}`).catch(() => undefined);
    last = res && res.status === 200 ? res.headers.get("x-stack-service") : null;
    if (last === want) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  const envFile = join(root, ".env");
  let env = await readFile(envFile, "utf8");
  for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
  await writeFile(envFile, env);
  proxy = `http://127.0.0.1:${envValue(env, "PROXY_PORT")}`;
  const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, timeoutMs: 600_000 });
  expect(up.code, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("routes after a failed dev add", () => {
  it("dev status says the proxy serves other routes than stack.yaml; dev sync reloads it", async () => {
    const before = await served();
    await ownService("shop");
    const add = await sh("node", [DEV, "add", "service", "shop", "--route", "/shop", "--path", "services/shop", "--port", "8000"], { cwd: root });
    expect(add.code, add.stdout + add.stderr).not.toBe(0);
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toMatch(/ {2}shop:\n/);
    // The new config is on disk; nginx still serves the old one.
    expect(await served()).toBe(before);
    const status = await sh("node", [DEV, "status"], { cwd: root });
    expect(status.stdout).toMatch(new RegExp(`^nginx serves other routes \\(version ${before}\\) than stack\\.yaml \\(version [0-9a-f]{12}\\): dev sync reloads it$`, "m"));
    const json = JSON.parse((await sh("node", [DEV, "status", "--json"], { cwd: root })).stdout);
    expect(json.proxyRoutes).toMatchObject({ proxy: "nginx", served: before, stale: true });

    const synced = await sh("node", [DEV, "sync"], { cwd: root });
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/^nginx served older routes than stack\.yaml: reloaded, it serves the current ones$/m);
    expect(await served()).toBe(json.proxyRoutes.expected);
    expect((await sh("node", [DEV, "status"], { cwd: root })).stdout).not.toMatch(/serves other routes/);
    expect((await sh("node", [DEV, "sync"], { cwd: root })).stdout).toMatch(/^everything is up to date$/m);
  });

  it("while dev up watches: a failed add fixed by a save is served on its route", async () => {
    // shop (from the first test) fixed before the start: dev up builds and starts it.
    await writeFile(join(root, "services", "shop", "Dockerfile"), working);
    dev = new DevProcess(root, ["up"]);
    await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
    const from = dev.lines.length;
    expect(await answeredBy("/shop/", "shop")).toBe("shop");

    // A second failed add, this time while dev up watches, then its fix.
    const before = await served();
    await ownService("cart");
    const add = await sh("node", [DEV, "add", "service", "cart", "--route", "/cart", "--path", "services/cart", "--port", "8000"], { cwd: root });
    expect(add.code, add.stdout + add.stderr).not.toBe(0);
    await dev.waitFor(/^watching .*\bcart\b/, { timeoutMs: 120_000 });
    const fixedAt = dev.lines.length;
    await writeFile(join(root, "services", "cart", "Dockerfile"), working);
    expect(await answeredBy("/cart/", "cart")).toBe("cart");
    expect(await served()).not.toBe(before);
    expect(await answeredBy("/shop/", "shop", 5000)).toBe("shop");
    expect(dev.count(/E_NGINX_RELOAD/, from)).toBe(0);
    // The route may answer before the watcher has seen cart ready and said so.
    await dev.waitFor(/^cart (rebuilt and restarted|recreated)/, { from: fixedAt, timeoutMs: 60_000 });
  });
});
