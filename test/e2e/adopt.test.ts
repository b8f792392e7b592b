import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, rename, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { createServer } from "node:net";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { DEV, cleanupDir, composeCommand, containers, getUntilOk, removeProject, sh, tempDir, testImage, uniqueName } from "./support.js";

/**
 * Real compose projects of other people (test/corpus, verbatim) adopted and run: their images are
 * stood in for by the local test images under the names their files give (the engine reaches no
 * registry), their build contexts, which the corpus does not carry, by small ones of the same
 * shape. Their files are hashed before `dev adopt` and compared byte for byte after every step.
 */
const CORPUS = new URL("../corpus/", import.meta.url).pathname;

/** Every file under `root` (but .env, which adopt extends, and create-stack's own) with its hash. */
async function hashes(root: string, files: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) out[f] = createHash("sha256").update(await readFile(join(root, f))).digest("hex");
  return out;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(relative(base, p));
  }
  return out.sort();
}

/** Tags a test image under a name a project's files use; returns a cleanup that removes only what it made. */
async function standIn(name: string, image: string): Promise<() => Promise<void>> {
  const had = (await sh("docker", ["image", "inspect", name])).code === 0;
  if (had) return async () => undefined;
  const tagged = await sh("docker", ["tag", image, name]);
  expect(tagged.code, tagged.stderr).toBe(0);
  return async () => void (await sh("docker", ["image", "rm", name]));
}

/** The running container of a service (by compose's labels; a rebuild may be replacing it). */
async function runningId(project: string, service: string): Promise<string> {
  let id = "";
  await expect
    .poll(async () => (id = (await sh("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`, "--filter", `label=com.docker.compose.service=${service}`, "--filter", "status=running"])).stdout.trim().split("\n")[0] ?? ""), { timeout: 60_000 })
    .not.toBe("");
  return id;
}

/** Waits until dev up has printed nothing for 5 s (a rebuild's follow-up has run). */
async function settled(dev: DevProcess): Promise<void> {
  for (let n = -1; n !== dev.lines.length; ) {
    n = dev.lines.length;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

/** Whether nothing listens on these host ports (a project of fixed ports shares the machine). */
async function portsFree(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer().once("error", () => resolve(false)).listen(port, "0.0.0.0", () => srv.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

const dev = (root: string, args: string[]) => sh("node", [DEV, ...args], { cwd: root });
const hasComposeV2 = async () => (await composeCommand())[0] === "docker";

/** A stand-in for an image their files name, built from a folder: a tiny HTTP app and sleepers. */
async function buildStandIn(names: string[], files: Record<string, string>): Promise<() => Promise<void>> {
  const dir = await tempDir();
  for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text, { mode: 0o755 });
  const fresh: string[] = [];
  for (const n of names) if ((await sh("docker", ["image", "inspect", n])).code !== 0) fresh.push(n);
  const built = await sh("docker", ["build", "-q", ...fresh.flatMap((n) => ["-t", n]), dir], { env: { DOCKER_BUILDKIT: "0" } });
  expect(built.code, built.stderr).toBe(0);
  await cleanupDir(dir);
  return async () => {
    if (fresh.length) await sh("docker", ["image", "rm", ...fresh]);
  };
}

const httpApp = (service: string, version: number, port: number) => `import json, signal, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
VERSION = ${version}
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"service": "${service}", "version": VERSION, "path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)
print("${service} on ${port}", flush=True)
ThreadingHTTPServer(("0.0.0.0", ${port}), H).serve_forever()
`;

describe.runIf(await hasComposeV2())("nginx-purldb (compose v2: its file has a top-level name:, which compose v1 refuses)", () => {
  const project = uniqueName("cs-e2e-adopt-purldb");
  let root = "";
  let theirs: string[] = [];
  let before: Record<string, string> = {};
  let devUp: DevProcess | undefined;
  let nginxPort = 0;
  const cleanups: (() => Promise<void>)[] = [];
  const etcPurldbExisted = existsSync("/etc/purldb");

  beforeAll(async () => {
    root = join(await tempDir(), "purldb");
    await cp(join(CORPUS, "nginx-purldb"), root, { recursive: true });
    theirs = await listFiles(root);
    cleanups.push(
      await standIn("postgres:17.10", testImage("postgres")),
      await standIn("redis:8.8.0-alpine", testImage("redis")),
      await standIn("nginx:1.31.2-alpine", testImage("nginx")),
    );
    // Their build context, which the corpus does not carry: manage.py, gunicorn and the app, in
    // the shape their command runs them (migrate, collectstatic, then gunicorn on :8000).
    await writeFile(join(root, "Dockerfile"), `FROM ${testImage("python")}\nWORKDIR /opt/purldb\nCOPY . .\nRUN install -m 755 gunicorn /usr/local/bin/gunicorn\n`);
    await writeFile(join(root, "gunicorn"), "#!/bin/sh\nexec python3 /opt/purldb/app.py\n");
    await writeFile(join(root, "manage.py"), `import signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
cmd = sys.argv[1]
print(cmd, "done" if cmd in ("migrate", "collectstatic") else "running", flush=True)
while cmd not in ("migrate", "collectstatic"):
    time.sleep(3600)
`);
    await writeFile(join(root, "app.py"), httpApp("web", 1, 8000));
    nginxPort = await getPort();
    // The settings their file reads from .env, as a user of theirs sets them; a project name of its own.
    await writeFile(join(root, ".env"), `COMPOSE_PROJECT_NAME=${project}\nNGINX_PUBLISHED_HTTP_PORT=127.0.0.1:${nginxPort}\nNGINX_PUBLISHED_HTTPS_PORT=127.0.0.1:${await getPort()}\n`);
    before = await hashes(root, theirs);
  });

  afterAll(async () => {
    devUp?.kill();
    await removeProject(project);
    for (const c of cleanups) await c();
    // Their file mounts /etc/purldb/ from the host: the engine made it for this run.
    if (!etcPurldbExisted) await sh("rmdir", ["/etc/purldb"]);
    await cleanupDir(join(root, ".."));
  });

  const unchanged = async () => expect(await hashes(root, theirs)).toEqual(before);

  it("dev adopt writes stack.yaml beside their files, which stay byte for byte", async () => {
    const res = await dev(root, ["adopt"]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    expect(stack).toMatch(/compose:\n {2}- docker-compose\.yml\n/);
    // Their **/etc keeps the nginx config out of web's image: an edit of it is no rebuild of web.
    // (and its **/.* keeps .env out, which web mounts: a change of it restarts web, no rebuild).
    expect(stack).toContain('  web:\n    adopted: true\n    build: .\n    watch: [.env]\n    rebuild_on: ["**", "!**/.*", "!**/.*/**", "!**/etc", "!**/etc/**", "!.env", "!.env/**"]\n    port: 8000\n    route: /\n');
    // Their .dockerignore names the Dockerfile; docker reads it all the same, so it stays watched.
    expect(stack).not.toMatch(/^ {2}- Dockerfile$/m);
    expect(await readFile(join(root, ".env"), "utf8")).toMatch(/^COMPOSE_FILE=docker-compose\.yml/m);
    await unchanged();
  });

  it("dev up runs their stack: nginx routes / to web through their own config", async () => {
    devUp = new DevProcess(root, ["up"]);
    await devUp.waitFor(/^watching /, { timeoutMs: 400_000 });
    const res = await getUntilOk(`http://127.0.0.1:${nginxPort}/x`, 60_000);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ service: "web", version: 1, path: "/x" });
    await unchanged();
  });

  it("an edit in the build context rebuilds web (and its siblings of the same context), not nginx", async () => {
    const from = devUp!.lines.length;
    await writeFile(join(root, "app.py"), httpApp("web", 2, 8000));
    await devUp!.waitFor(/^web rebuilt and restarted in [\d.]+ s/, { from, timeoutMs: 300_000 });
    await expect.poll(async () => JSON.parse((await getUntilOk(`http://127.0.0.1:${nginxPort}/`)).body).version, { timeout: 60_000 }).toBe(2);
    expect(devUp!.count(/^nginx (rebuilt|restarted|reloaded)/, from)).toBe(0);
    await unchanged();
  });

  it("an edit of the Dockerfile their .dockerignore names rebuilds web", async () => {
    // A follow-up rebuild of the edit before may still be running: its line is not this one's.
    await settled(devUp!);
    const from = devUp!.lines.length;
    await writeFile(join(root, "Dockerfile"), `FROM ${testImage("python")}\nWORKDIR /opt/purldb\nCOPY . .\nRUN install -m 755 gunicorn /usr/local/bin/gunicorn\nENV BUILT_AGAIN=1\n`);
    await devUp!.waitFor(/^web rebuilt and restarted in [\d.]+ s/, { from, timeoutMs: 300_000 });
    expect((await sh("docker", ["exec", await runningId(project, "web"), "printenv", "BUILT_AGAIN"])).stdout.trim()).toBe("1");
    await unchanged();
  });

  it("a change to their mounted nginx config restarts nginx, and only nginx", async () => {
    // The user's own edit of their config (the test's hashes follow it: the tool never writes it).
    const conf = join(root, "etc/nginx/conf.d/default.conf");
    const text = await readFile(conf, "utf8");
    // The Dockerfile save before may still have a follow-up rebuild of web in flight.
    await settled(devUp!);
    const from = devUp!.lines.length;
    await writeFile(conf, text.replace("proxy_read_timeout 600s;", "proxy_read_timeout 601s;"));
    before["etc/nginx/conf.d/default.conf"] = createHash("sha256").update(await readFile(conf)).digest("hex");
    await devUp!.waitFor(/^nginx restarted in [\d.]+ s/, { from, timeoutMs: 120_000 });
    expect(devUp!.count(/^web (rebuilt|restarted)/, from)).toBe(0);
    expect((await getUntilOk(`http://127.0.0.1:${nginxPort}/`)).status).toBe(200);
    await unchanged();
  });

  it("dev add service adds a service beside theirs, says what their nginx config needs for its route", async () => {
    const from = devUp!.lines.length;
    // The new service's folder arrives whole (as a checkout would bring it): one change.
    const made = await tempDir();
    await mkdir(join(made, "extra"));
    await writeFile(join(made, "extra", "Dockerfile"), `FROM ${testImage("python")}\nWORKDIR /srv\nCOPY . .\nCMD ["python3", "app.py"]\n`);
    await writeFile(join(made, "extra", "app.py"), httpApp("extra", 1, 8000));
    await rename(join(made, "extra"), join(root, "extra"));
    await cleanupDir(made);
    // extra/ lies in web's build context (.): docker would copy it into their image, so the
    // services built from it are rebuilt first.
    for (const name of ["web", "scheduler", "rq_worker"]) await devUp!.waitFor(new RegExp(`^${name} rebuilt and restarted in`), { from, timeoutMs: 300_000 });
    await settled(devUp!);
    const afterRebuild = devUp!.lines.length;
    const res = await dev(root, ["add", "service", "extra", "--path", "extra", "--route", "/extra", "--port", "8000"]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toContain("add inside the server block of etc/nginx/conf.d/default.conf");
    expect(res.stdout).toMatch(/location \/extra\/ \{\n\s+proxy_pass http:\/\/extra:8000\/;/);
    // The upstream it names answers from their nginx container, on their network.
    const inside = await sh("docker", ["exec", await runningId(project, "nginx"), "curl", "-sf", "http://extra:8000/ping"]);
    expect(inside.code, inside.stderr).toBe(0);
    expect(JSON.parse(inside.stdout)).toMatchObject({ service: "extra", path: "/ping" });
    // What dev add wrote (stack.yaml, our layer) is no change of their build context.
    await settled(devUp!);
    expect(devUp!.count(/^(web|scheduler|rq_worker) rebuilt/, afterRebuild), devUp!.lines.slice(afterRebuild).join("\n")).toBe(0);
    await unchanged();
  });

  it("dev status and dev logs show their services and ours", async () => {
    // dev up applies the stack.yaml dev add wrote, and web and its siblings restart for the .env
    // they mount (COMPOSE_FILE gained our layer): status is read once that has settled.
    let status = await dev(root, ["status"]);
    await expect
      .poll(async () => {
        status = await dev(root, ["status"]);
        return ["web", "nginx", "db", "redis", "extra"].filter((name) => !new RegExp(`^${name}\\s+running`, "m").test(status.stdout));
      }, { timeout: 180_000, interval: 2000 })
      .toEqual([]);
    expect(status.code, status.stderr).toBe(0);
    const logs = await dev(root, ["logs", "-n", "20", "web"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/web on 8000/);
    await unchanged();
  });

  it("dev down stops it all; their files are as they were", async () => {
    devUp!.interrupt();
    await devUp!.exited;
    const down = await dev(root, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect((await containers(project)).filter((c) => c.status === "running")).toEqual([]);
    await unchanged();
  });
});

// Their file publishes fixed host ports on all interfaces: where another project on the machine
// holds one of them, compose cannot start it, with or without us. Looked at just before dev up;
// taken, the run skips it and says why instead of failing.
const SALEOR_PORTS = [8000, 9000, 5432, 6379, 16686, 4317, 4318, 1025, 8025];

describe("celery-saleor (image services only: compose v1 and v2)", () => {
  let portsTaken = false;
  const project = uniqueName("cs-e2e-adopt-saleor");
  let root = "";
  let theirs: string[] = [];
  let before: Record<string, string> = {};
  let devUp: DevProcess | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    root = join(await tempDir(), "saleor");
    await cp(join(CORPUS, "celery-saleor"), root, { recursive: true });
    theirs = await listFiles(root);
    cleanups.push(
      await standIn("library/postgres:15-alpine", testImage("postgres")),
      await standIn("valkey/valkey:8.1-alpine", testImage("redis")),
      await standIn("ghcr.io/saleor/saleor-dashboard:latest", testImage("nginx")),
      // The api serves HTTP on :8000; the worker's `celery ... worker` and the tracing and mail
      // services just run.
      await buildStandIn(["ghcr.io/saleor/saleor:3.22", "jaegertracing/jaeger:latest", "axllent/mailpit:latest"], {
        "Dockerfile": `FROM ${testImage("python")}\nCOPY app.py /srv/app.py\nCOPY celery /usr/local/bin/celery\nCMD ["python3", "/srv/app.py"]\n`,
        "app.py": httpApp("api", 1, 8000),
        "celery": "#!/bin/sh\necho \"celery $*: ready\"\nexec sleep infinity\n",
      }),
    );
    await writeFile(join(root, ".env"), `COMPOSE_PROJECT_NAME=${project}\n`);
    before = await hashes(root, theirs);
  });

  afterAll(async () => {
    devUp?.kill();
    await removeProject(project);
    for (const c of cleanups) await c();
    await cleanupDir(join(root, ".."));
  });

  const unchanged = async () => expect(await hashes(root, theirs)).toEqual(before);

  it("dev adopt, then dev up runs their seven services", async (ctx) => {
    const res = await dev(root, ["adopt"]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toMatch(/ {2}db:\n {4}adopted: true\n {4}image: library\/postgres:15-alpine\n {4}watch: \[replica_user\.sql\]/);
    await unchanged();
    if (!(await portsFree(SALEOR_PORTS))) {
      portsTaken = true;
      console.warn(`celery-saleor not started: one of its fixed host ports (${SALEOR_PORTS.join(", ")}) is in use on this machine`);
      ctx.skip();
    }
    devUp = new DevProcess(root, ["up"]);
    await devUp.waitFor(/^watching /, { timeoutMs: 300_000 });
    const running = (await containers(project)).filter((c) => c.status === "running").map((c) => c.service).sort();
    expect(running).toEqual(["api", "cache", "dashboard", "db", "jaeger", "mailpit", "worker"]);
    expect(JSON.parse((await getUntilOk("http://127.0.0.1:8000/")).body)).toMatchObject({ service: "api" });
    await unchanged();
  });

  it("an edit of the SQL file db mounts restarts db, and nothing else", async (ctx) => {
    if (portsTaken) ctx.skip();
    const file = join(root, "replica_user.sql");
    const from = devUp!.lines.length;
    const startedBefore = (await containers(project)).find((c) => c.service === "api")!.startedAt;
    await writeFile(file, (await readFile(file, "utf8")) + "-- edited\n");
    before["replica_user.sql"] = createHash("sha256").update(await readFile(file)).digest("hex");
    await devUp!.waitFor(/^db restarted in [\d.]+ s \(1 file\)/, { from, timeoutMs: 120_000 });
    expect(devUp!.count(/^(api|worker|cache|dashboard) (rebuilt|restarted|reloaded)/, from)).toBe(0);
    expect((await containers(project)).find((c) => c.service === "api")!.startedAt).toBe(startedBefore);
    await unchanged();
  });

  it("dev status, dev logs, dev down", async (ctx) => {
    if (portsTaken) ctx.skip();
    const status = await dev(root, ["status"]);
    expect(status.code, status.stderr).toBe(0);
    for (const name of ["api", "worker", "db", "cache"]) expect(status.stdout).toMatch(new RegExp(`^\\s*${name}\\b.*running`, "m"));
    const logs = await dev(root, ["logs", "-n", "20", "worker"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/celery -A saleor .*worker.*: ready/);
    devUp!.interrupt();
    await devUp!.exited;
    const down = await dev(root, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect((await containers(project)).filter((c) => c.status === "running")).toEqual([]);
    await unchanged();
    expect((await stat(join(root, "stack.yaml"))).isFile()).toBe(true);
  });
});

// Verified on compose v2; on the docker-compose v1 lane one run outlived the test's 600 s under
// heavy machine load (each step passes there by hand), so it joins that lane once diagnosed.
describe.runIf(await hasComposeV2())("a project of one's own: their command over a mounted source runs under the supervisor (our dev layer)", () => {
  const project = uniqueName("cs-e2e-adopt-own");
  let root = "";
  let devUp: DevProcess | undefined;
  let port = 0;
  const compose = `services:
  app:
    build: .
    working_dir: /srv
    command: ["python3", "app/main.py"]
    volumes:
      - ./app:/srv/app
    ports:
      - "127.0.0.1:\${APP_PORT}:8000"
`;
  const dockerfile = `FROM ${testImage("python")}\nWORKDIR /srv\nCOPY app app\n`;

  beforeAll(async () => {
    root = join(await tempDir(), "own");
    await mkdir(join(root, "app"), { recursive: true });
    await writeFile(join(root, "docker-compose.yml"), compose);
    await writeFile(join(root, "Dockerfile"), dockerfile);
    await writeFile(join(root, "app", "main.py"), httpApp("app", 1, 8000));
    port = await getPort();
    await writeFile(join(root, ".env"), `COMPOSE_PROJECT_NAME=${project}\nAPP_PORT=${port}\n`);
  });

  afterAll(async () => {
    devUp?.kill();
    await removeProject(project);
    await cleanupDir(join(root, ".."));
  });

  it("adopt keeps their command; dev up runs it supervised; an edit reloads the process, not the container", async () => {
    const res = await dev(root, ["adopt"]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toMatch(/ {4}path: app\n[\s\S]* {4}command: \[python3, app\/main\.py\]\n/);
    expect(await readFile(join(root, "docker-compose.yml"), "utf8")).toBe(compose);
    expect(await readFile(join(root, "compose.dev.yaml"), "utf8")).toContain("# create-stack supervisor");
    devUp = new DevProcess(root, ["up"]);
    await devUp.waitFor(/^watching /, { timeoutMs: 300_000 });
    expect(JSON.parse((await getUntilOk(`http://127.0.0.1:${port}/`)).body)).toMatchObject({ service: "app", version: 1 });
    const id = await runningId(project, "app");
    const started = (await sh("docker", ["inspect", "-f", "{{.State.StartedAt}}", id])).stdout.trim();
    const from = devUp.lines.length;
    await writeFile(join(root, "app", "main.py"), httpApp("app", 2, 8000));
    await devUp.waitFor(/^app reloaded in [\d.]+ s \(1 file\)/, { from, timeoutMs: 120_000 });
    expect(JSON.parse((await getUntilOk(`http://127.0.0.1:${port}/`)).body)).toMatchObject({ version: 2 });
    // The same container, never restarted: the supervisor restarted the process inside it.
    expect(await runningId(project, "app")).toBe(id);
    expect((await sh("docker", ["inspect", "-f", "{{.State.StartedAt}}", id])).stdout.trim()).toBe(started);
    // An edit of the Dockerfile rebuilds it.
    const rebuildFrom = devUp.lines.length;
    await writeFile(join(root, "Dockerfile"), dockerfile + "ENV AGAIN=1\n");
    await devUp.waitFor(/^app rebuilt and restarted in/, { from: rebuildFrom, timeoutMs: 300_000 });
    expect(await readFile(join(root, "docker-compose.yml"), "utf8")).toBe(compose);
    devUp.interrupt();
    await devUp.exited;
    expect((await dev(root, ["down"])).code).toBe(0);
  });
});
