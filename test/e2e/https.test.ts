import { readFile, stat, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { createServer, isIP } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

/** The run's own data folder (vitest.config.ts): the CA the CLI made lives there, never in the user's. */
const caFile = () => join(process.env.XDG_DATA_HOME!, "create-stack/ca/ca.pem");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  error?: string;
}

/** One HTTPS request to 127.0.0.1:port as a browser sends it to `host` (SNI and Host), trusting only the CA. */
async function httpsGet(port: number, host: string, path: string, opts: { accept?: string } = {}): Promise<Answer> {
  const ca = await readFile(caFile());
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path, ...(isIP(host) ? {} : { servername: host }), ca, headers: { host: `${host}:${port}`, ...(opts.accept ? { accept: opts.accept } : {}) }, agent: false, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ status: 0, body: "", headers: {}, error: err.code ?? String(err) }));
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The starter app, answering with the scheme headers the proxy sent it. */
async function echoSchemeHeaders(appFile: string): Promise<void> {
  const src = await readFile(appFile, "utf8");
  await writeFile(appFile, src.replace('"path": self.path}', '"path": self.path, "proto": self.headers.get("X-Forwarded-Proto"), "forwarded": self.headers.get("Forwarded")}'));
}

describe.each(["nginx", "caddy"])("HTTPS through %s", (proxyName) => {
  const project = uniqueName(`cs-e2e-https-${proxyName}`);
  let root = "";
  let dev: DevProcess | undefined;
  let http = 0;
  let https = 0;

  beforeAll(async () => {
    root = join(await tempDir(), project);
    const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http", "--proxy", proxyName, "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
    expect(made.code, made.stderr).toBe(0);
    // A second route, not stripped.
    const stack = parseDocument(await readFile(join(root, "stack.yaml"), "utf8"));
    // It restarts its container on a save: nothing listens meanwhile, and the proxy says so.
    stack.setIn(["services", "docs"], { template: "python-http", route: "/docs", strip_prefix: false, reload: "container" });
    await writeFile(join(root, "stack.yaml"), stack.toString());
    expect((await sh("node", [DEV, "sync"], { cwd: root })).code).toBe(0);
    await echoSchemeHeaders(join(root, "services/api/app.py"));
    await echoSchemeHeaders(join(root, "services/docs/app.py"));
    const envFile = join(root, ".env");
    const env = await readFile(envFile, "utf8");
    let next = env;
    for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) next = next.replace(line, `${key}=${await freePort()}`);
    await writeFile(envFile, next);
    http = Number(envValue(next, "PROXY_PORT"));
    https = Number(envValue(next, "PROXY_HTTPS_PORT"));
    dev = new DevProcess(root, ["up"]);
    await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
  });

  afterAll(async () => {
    dev?.kill();
    await removeProject(project);
    await cleanupDir(join(root, ".."));
  });

  it("dev up prints both schemes for every route", () => {
    const out = dev!.lines.join("\n");
    expect(out).toContain(`http://127.0.0.1:${http}/api`);
    expect(out).toContain(`https://localhost:${https}/api`);
  });

  it("every route answers over HTTPS, verified against the local CA, path and NAME.localhost alike; the service sees the scheme", async () => {
    const cases: [string, string, string, string][] = [
      ["localhost", "/api/x", "api", "/x"],
      ["localhost", "/docs/x", "docs", "/docs/x"],
      ["api.localhost", "/x", "api", "/x"],
      ["docs.localhost", "/docs/x", "docs", "/docs/x"],
      ["127.0.0.1", "/api/", "api", "/"],
    ];
    for (const [host, path, service, seenPath] of cases) {
      const res = await httpsGet(https, host, path);
      expect(res.error, `${host}${path}`).toBeUndefined();
      expect(res.status, `${host}${path}: ${res.body}`).toBe(200);
      const body = JSON.parse(res.body);
      expect(body.service).toBe(service);
      expect(body.path).toBe(seenPath);
      expect(body.proto).toBe("https");
      expect(body.forwarded).toContain("proto=https");
      expect(res.headers["x-stack-service"]).toBe(service);
    }
    // HTTP keeps working, and says so to the service.
    const plain = JSON.parse((await getUntilOk(`http://127.0.0.1:${http}/api/`)).body);
    expect(plain.proto).toBe("http");
    expect(plain.forwarded).toContain("proto=http");
  });

  it("a TLS handshake for a name outside the certificate fails", async () => {
    const res = await httpsGet(https, "example.com", "/api/");
    expect(res.status).toBe(0);
    expect(res.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|ECONNRESET|EPROTO|ERR_SSL/);
  });

  it("the project's key is readable by its owner only, and git sees no secret", async () => {
    expect((await stat(join(root, ".create-stack/tls/key.pem"))).mode & 0o777).toBe(0o600);
    expect((await sh("git", ["init", "-q"], { cwd: root })).code).toBe(0);
    const adds = await sh("git", ["add", "-A", "-n"], { cwd: root });
    expect(adds.code, adds.stderr).toBe(0);
    expect(adds.stdout).not.toMatch(/\.pem|tls\//);
  });

  it("during a reload an HTTPS request is answered, never a TLS or connection error: by the app, or by the restarting page while nothing listens", async () => {
    // api reloads its process (serve.py keeps the socket: requests wait for the new code); docs
    // restarts its container (nothing listens: the restarting page).
    for (const [service, path, line] of [["api", "/api/", /^api reloaded in/], ["docs", "/docs/", /^docs restarted in/]] as const) {
      const appFile = join(root, `services/${service}/app.py`);
      const src = await readFile(appFile, "utf8");
      const from = dev!.lines.length;
      await writeFile(appFile, "import time; time.sleep(3)\n" + src.replace("hello from", "slow hello from"));
      const seen: Answer[] = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const [page, host] = await Promise.all([httpsGet(https, "localhost", path, { accept: "text/html" }), httpsGet(https, `${service}.localhost`, "/")]);
        seen.push(page, host);
        if (page.body.includes("slow hello") && host.body.includes("slow hello")) break;
        await sleep(20);
      }
      await dev!.waitFor(line, { from });
      expect(seen.filter((a) => a.error), JSON.stringify(seen.filter((a) => a.error))).toEqual([]);
      expect(seen.every((a) => a.status === 200 || a.status === 503), JSON.stringify(seen.map((a) => a.status))).toBe(true);
      const restarting = seen.filter((a) => a.status === 503);
      if (service === "docs") expect(restarting.length, JSON.stringify(seen.map((a) => a.status))).toBeGreaterThan(0);
      const bad = restarting.filter((a) => a.headers["retry-after"] !== "1" || !new RegExp(`restarting ${service}|${service} is restarting`).test(a.body));
      expect(bad, JSON.stringify(bad.slice(0, 2))).toEqual([]);
      expect(seen.at(-1)!.body).toContain("slow hello");
    }
  });

  it("dev add service: prints its HTTPS address; its route and NAME.localhost answer over HTTPS without restarting the proxy; dev open --https gives it", async () => {
    const proxyBefore = (await containers(project)).find((c) => c.service === proxyName)!;
    const added = await sh("node", [DEV, "add", "service", "shop", "--template", "python-http", "--route", "/shop"], { cwd: root, timeoutMs: 300_000 });
    expect(added.code, added.stdout + added.stderr).toBe(0);
    // It says both addresses, and dev open gives the HTTPS one on asking.
    expect(added.stdout).toContain(`http://127.0.0.1:${http}/shop/`);
    expect(added.stdout).toContain(`over HTTPS: https://localhost:${https}/shop/`);
    const opened = await sh("node", [DEV, "open", "shop", "--https", "--print"], { cwd: root });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout.trim()).toBe(`https://localhost:${https}/shop/`);
    for (const [host, path] of [["localhost", "/shop/"], ["shop.localhost", "/"]] as const) {
      let res: Answer | undefined;
      for (let i = 0; i < 100; i++) {
        res = await httpsGet(https, host, path);
        if (res.status === 200) break;
        await sleep(100);
      }
      expect(res!.error, `${host}${path}`).toBeUndefined();
      expect(res!.status, `${host}${path}: ${res!.body}`).toBe(200);
      expect(JSON.parse(res!.body).service).toBe("shop");
    }
    const proxyAfter = (await containers(project)).find((c) => c.service === proxyName)!;
    expect(proxyAfter.id).toBe(proxyBefore.id);
    expect(proxyAfter.startedAt).toBe(proxyBefore.startedAt);
  });
});
