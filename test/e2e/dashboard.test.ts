import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser.js";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

const project = uniqueName("cs-e2e-dash");
let root = "";
let dev: DevProcess | undefined;
let browser: BrowserContext | undefined;
let page: Page;
let dashboard = ""; // http://127.0.0.1:PORT
let token = "";
let proxy = "";
const appFile = () => join(root, "services/api/app.py");
/** Screenshots go into the repository's docs/ when asked (UPDATE_SCREENSHOTS=1), else beside the project. */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL("../../docs/", import.meta.url)) : "";

async function api() {
  return (await containers(project)).find((c) => c.service === "api")!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One raw HTTP request (any Host header, as a rebinding page or a foreign client sends it). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, dashboard);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { host: url.host, ...headers }, agent: false, timeout: 5000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      // The push channel never ends: its first bytes are enough.
      res.on("data", (d: string) => {
        text += d;
        if (res.headers["content-type"] === "text/event-stream") res.destroy();
      });
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const restartBody = JSON.stringify({ service: "api", action: "restart" });

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  expect((await sh("node", [DEV, "sync"], { cwd: root })).code).toBe(0);
  // Random high host ports: the defaults are often taken on a shared engine.
  const envFile = join(root, ".env");
  let env = await readFile(envFile, "utf8");
  for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
  await writeFile(envFile, env);
  proxy = `http://127.0.0.1:${envValue(env, "PROXY_PORT")}`;
  dev = new DevProcess(root, ["up"]);
  const at = await dev.waitFor(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=/, { timeoutMs: 300_000 });
  const url = new URL(dev.lines[at]!.slice("dashboard: ".length));
  dashboard = url.origin;
  token = url.searchParams.get("token")!;
  await dev.waitFor(/^watching /);
  browser = await launchBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("dev up's dashboard", () => {
  it("dev open --ui prints the URL dev up printed; dev status --json has the model", async () => {
    const open = await sh("node", [DEV, "open", "--ui", "--print"], { cwd: root });
    expect(open.stdout.trim()).toBe(`${dashboard}/?token=${token}`);
    const status = JSON.parse((await sh("node", [DEV, "status", "--json"], { cwd: root })).stdout);
    expect(status.services.map((s: { service: string }) => s.service)).toEqual(["api", "nginx"]);
    expect(status.services[0]).toMatchObject({ kind: "service", group: "services", state: "running", waitingFor: [] });
  });

  it("refuses a foreign Host, a foreign Origin, a missing or wrong token: nothing restarted", async () => {
    const before = await api();
    const port = new URL(dashboard).port;
    const cookie = `cs_dashboard_${port}=${token}`;
    const origin = dashboard;
    const json = { "content-type": "application/json" };
    // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1.
    expect((await raw("POST", "/actions", { ...json, host: `rebind.example:${port}`, origin: `http://rebind.example:${port}`, "x-dashboard-token": token }, restartBody)).status).toBe(421);
    expect((await raw("GET", "/events", { host: `rebind.example:${port}`, cookie })).status).toBe(421);
    expect((await raw("GET", "/", { host: `rebind.example:${port}` })).status).toBe(421);
    // A page of another origin (another port of localhost, another site).
    expect((await raw("POST", "/actions", { ...json, origin: "http://127.0.0.1:3000", cookie }, restartBody)).status).toBe(403);
    expect((await raw("POST", "/actions", { ...json, origin: "http://evil.example", "x-dashboard-token": token }, restartBody)).status).toBe(403);
    expect((await raw("GET", "/events", { origin: "http://127.0.0.1:3000", cookie })).status).toBe(403);
    // An action without an Origin at all.
    expect((await raw("POST", "/actions", { ...json, "x-dashboard-token": token }, restartBody)).status).toBe(403);
    // No token, a wrong one.
    expect((await raw("POST", "/actions", { ...json, origin }, restartBody)).status).toBe(401);
    expect((await raw("POST", "/actions", { ...json, origin, "x-dashboard-token": token.slice(1) + "x" }, restartBody)).status).toBe(401);
    expect((await raw("POST", "/actions", { ...json, origin, cookie: `cs_dashboard_${port}=nope` }, restartBody)).status).toBe(401);
    expect((await raw("GET", "/events", {})).status).toBe(401);
    expect((await raw("GET", `/?token=${token}x`, {})).status).toBe(401);
    // The right token once: a cookie only this origin's own requests carry.
    const login = await raw("GET", `/?token=${token}`, {});
    expect(login.status).toBe(303);
    expect(String(login.headers["set-cookie"])).toMatch(new RegExp(`^cs_dashboard_${port}=${token}; HttpOnly; SameSite=Strict; Path=/$`));
    const events = await raw("GET", "/events", { cookie });
    expect(events.status).toBe(200);
    expect(events.body).toMatch(/^retry: 1000\nevent: snapshot\ndata: /);
    // Nothing of .env's secrets in what the page gets.
    const env = await readFile(join(root, ".env"), "utf8");
    for (const [, key, value] of env.matchAll(/^([A-Z0-9_]*(?:SECRET|PASSWORD|KEY)[A-Z0-9_]*)=(.+)$/gm)) expect(events.body, key).not.toContain(value);
    const after = await api();
    expect(after.startedAt).toBe(before.startedAt);
    expect(dev!.count(/restarted|reloaded/)).toBe(0);
  });

  it("the page lists the services; logs stream, filters survive switching services", async () => {
    await page.goto(`${dashboard}/?token=${token}`);
    expect(new URL(page.url()).search).toBe("");
    await page.waitForSelector('#services tr[data-service="api"] td.state-running');
    await page.waitForSelector('#services tr[data-service="nginx"]');
    expect(await page.textContent("#conn")).toBe("live");
    expect(await page.getAttribute('#services tr[data-service="api"] .links a', "href")).toBe(`${proxy}/api`);
    const httpsPort = envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_HTTPS_PORT");
    expect(await page.getAttribute('#services tr[data-service="api"] .links a.https', "href")).toBe(`https://localhost:${httpsPort}/api`);
    // A request through the proxy shows in the logs (nginx's access log, the app's own).
    await getUntilOk(`${proxy}/api/?marker=streamed-line`);
    await page.waitForSelector("#logs div:not(.spacer):has-text('streamed-line')", { timeout: 15_000 });
    // A /regex/ filter, then a source switched on and off: the filter stays and applies.
    await page.fill("#filter", "/marker=stream\\w+/");
    await page.check('#sources input[value="nginx"]');
    // (Polled from here: the page's Content-Security-Policy forbids evaluating strings in it.)
    const shownRows = () => page.locator("#logs div:not(.spacer)").allTextContents();
    const sourcesShown = () => page.locator("#logs div:not(.spacer) .s").allTextContents();
    await expect
      .poll(async () => {
        const [rows, sources] = [await shownRows(), await sourcesShown()];
        return rows.length > 0 && rows.every((r) => r.includes("streamed-line")) && sources.every((s) => s === "nginx ");
      }, { timeout: 15_000 })
      .toBe(true);
    await page.uncheck('#sources input[value="nginx"]');
    await page.check('#sources input[value="api"]');
    expect(await page.inputValue("#filter")).toBe("/marker=stream\\w+/");
    await page.reload();
    expect(await page.inputValue("#filter")).toBe("/marker=stream\\w+/");
    await page.fill("#filter", "");
    await page.uncheck('#sources input[value="api"]');
  });

  it("a file save shows the reload with its save-to-served latency", async () => {
    const src = await readFile(appFile(), "utf8");
    await writeFile(appFile(), src.replace(/"message": "[^"]*"/, `"message": "from the dashboard test"`));
    const item = page.locator('#events li.reload[data-service="api"]').first();
    await item.waitFor({ timeout: 60_000 });
    const text = (await item.textContent())!;
    expect(text).toMatch(/process reload/);
    expect(text).toMatch(/save → served \d+\.\d\d s/);
    expect(text).toContain("services/api/app.py");
    const status = JSON.parse((await sh("node", [DEV, "status", "--json"], { cwd: root })).stdout);
    const reload = status.events.find((e: { type: string }) => e.type === "reload");
    expect(reload).toMatchObject({ service: "api", kind: "process", ok: true, files: ["services/api/app.py"] });
    expect(reload.latencyMs).toBeGreaterThan(0);
    expect(reload.latencyMs).toBeLessThan(30_000);
  });

  it("a Restart click restarts the service (on the engine), with the outcome shown", async () => {
    const before = await api();
    await page.click('#services tr[data-service="api"] button[data-action="restart"]');
    await expect.poll(() => page.textContent("#outcome"), { timeout: 120_000 }).toMatch(/api: restart done in [\d.]+ s/);
    const after = await api();
    expect(after.id).toBe(before.id);
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(after.status).toBe("running");
    // The watcher knows the stop was the button's: no outside stop, no crash, no second restart.
    await dev!.waitFor(/^api was stopped by dashboard restart api \(our own command, not a crash\)$/, { timeoutMs: 30_000 });
    expect(dev!.lines.join("\n")).not.toMatch(/api was stopped from outside|api crashed/);
  });

  it("a page on another port cannot make the browser restart anything", async () => {
    const before = await api();
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<script>
        fetch(${JSON.stringify(dashboard + "/actions")}, { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(restartBody)} })
          .then(() => (document.title = "sent"), (e) => (document.title = "failed " + e));
      </script>`);
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", () => r()));
    const other = await browser!.newPage();
    try {
      await other.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      await expect.poll(() => other.title(), { timeout: 10_000 }).not.toBe("");
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await other.close();
      evil.close();
    }
    const after = await api();
    expect(after.startedAt).toBe(before.startedAt);
  });

  it("a crash shows with its last lines; screenshots light and dark", async () => {
    const good = await readFile(appFile(), "utf8");
    await writeFile(appFile(), good.replace("class Handler(", "class Handler(:"));
    const crash = page.locator('#events li.crash[data-service="api"]').first();
    await crash.waitFor({ timeout: 60_000 });
    await expect.poll(async () => crash.textContent(), { timeout: 30_000 }).toMatch(/SyntaxError/);
    expect(await crash.textContent()).toMatch(/crashed: .*restarting in/);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const file = join(SHOTS || root, `dashboard-${scheme}.png`);
      await mkdir(join(file, ".."), { recursive: true });
      await page.screenshot({ path: file });
      expect((await readFile(file)).length).toBeGreaterThan(10_000);
    }
    await writeFile(appFile(), good);
    await page.locator('#events li.reload[data-service="api"]').nth(0).waitFor();
  });

  it("says when dev up is gone", async () => {
    dev!.interrupt();
    expect(await dev!.exited).toBe(0);
    dev = undefined;
    await expect.poll(() => page.textContent("#conn"), { timeout: 15_000 }).toContain("dev up is not running");
  });
});
