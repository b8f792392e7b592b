import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CREATE_STACK, DEV, EXTRAS_IMAGE_ARGS, cleanupDir, compose, envValue, getUntilOk, removeProject, sh, tempDir, uniqueName } from "./support.js";

const made: { project: string; root: string }[] = [];

/** .env as dev up left it: it moves a host port another program took (the defaults often are, on a shared engine). */
const envOf = (root: string) => readFile(join(root, ".env"), "utf8");

async function create(prefix: string, args: string[]): Promise<{ project: string; root: string }> {
  const project = uniqueName(prefix);
  const root = join(await tempDir(), project);
  made.push({ project, root });
  const res = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--health-interval", "1s", ...args, ...EXTRAS_IMAGE_ARGS]);
  expect(res.code, res.stderr).toBe(0);
  return { project, root };
}

afterAll(async () => {
  for (const { project, root } of made) {
    await removeProject(project);
    await cleanupDir(join(root, ".."));
  }
});

describe("the django starter", () => {
  it("migrates on start and answers through nginx from postgres", async () => {
    const { root } = await create("cs-e2e-django", ["--preset", "django,postgres", "--proxy", "nginx"]);
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, timeoutMs: 600_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const env = await envOf(root);
    const res = await getUntilOk(`http://127.0.0.1:${envValue(env, "PROXY_PORT")}/api/`);
    expect(res.status, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ service: "api", database: "postgresql", path: "/" });
    expect(body.migrations_applied).toBeGreaterThan(5);
    const logs = await compose(root, ["logs", "api"]);
    expect(logs.stdout).toMatch(/Applying auth\.0001_initial\.\.\. OK/);
    // runserver's own reloader is off: under dev up's supervisor, serve.py (Django's framework
    // imported once, the socket held) and the one worker it forked, reloaded by dev up instead; no
    // third Python process. (Only python processes count: the supervisor shell carries the command.
    // Only the container's own tree counts: an exec, such as Docker's healthcheck running
    // `python -c ...` at that moment, has parent pid 0.)
    const ps = await compose(root, ["exec", "-T", "api", "ps", "-eo", "pid=,ppid=,args="]);
    const procs = ps.stdout
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1] !== "0" && /^python[0-9.]*$/.test(f[2] ?? ""));
    expect(procs.map((f) => f[3]), ps.stdout).toEqual(["serve.py", "serve.py"]);
    expect(procs.some((worker) => procs.some((parent) => worker[1] === parent[0])), ps.stdout).toBe(true);
  });
});

describe("the node starter", () => {
  it("installs its package.json dependencies when the image is built, answers, and serves through nginx", async () => {
    const { root } = await create("cs-e2e-node", ["--preset", "node", "--proxy", "nginx"]);
    const build = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, timeoutMs: 600_000 });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const env = await envOf(root);
    const logs = await compose(root, ["logs", "web"]);
    expect(logs.stdout).toMatch(/web listening on :3000/);
    const res = await getUntilOk(`http://127.0.0.1:${envValue(env, "PROXY_PORT")}/web/hello`);
    expect(JSON.parse(res.body)).toMatchObject({ service: "web", message: "hello from web", path: "/hello" });
    // Express came from package.json: the running server is an Express app.
    const express = await fetch(`http://127.0.0.1:${envValue(env, "WEB_PORT")}/hello`);
    expect(express.headers.get("x-powered-by")).toBe("Express");
  });
});

// Publishes a message and consumes it back through the AMQP URL the stack gave the service.
const AMQP_APP = `import json, os, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import pika

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.reply({"status": "ok"})
        conn = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
        channel = conn.channel()
        channel.queue_declare(queue="audit", durable=True)
        sent = str(uuid.uuid4())
        channel.basic_publish(exchange="", routing_key="audit", body=sent.encode())
        received = None
        for _ in range(50):
            method, _props, body = channel.basic_get(queue="audit", auto_ack=True)
            if method:
                received = body.decode()
                break
            conn.sleep(0.1)
        conn.close()
        self.reply({"sent": sent, "received": received})

    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
`;

describe("the rabbitmq preset", () => {
  it("a service that depends on it gets AMQP_URL, and publishes and consumes through it", async () => {
    const { root } = await create("cs-e2e-amqp", ["--preset", "python-http,rabbitmq", "--proxy", "none"]);
    await writeFile(join(root, "services", "api", "app.py"), AMQP_APP);
    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    expect(stack).toMatch(/depends_on: \[rabbitmq\]/);
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: root, timeoutMs: 600_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const env = await envOf(root);
    // The broker was healthy before the api started (depends_on: service_healthy), so its first
    // request finds the broker ready.
    const res = await getUntilOk(`http://127.0.0.1:${envValue(env, "API_PORT")}/roundtrip`);
    expect(res.status, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.received).toBe(body.sent);

    const password = envValue(env, "RABBITMQ_PASSWORD");
    expect(password).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const url = await compose(root, ["exec", "-T", "api", "sh", "-c", "echo $AMQP_URL"]);
    expect(url.stdout.trim()).toBe(`amqp://app:${password}@rabbitmq:5672/%2F`);
    // The management UI answers on 127.0.0.1 with the generated credentials, and only with them.
    const mgmt = `http://127.0.0.1:${envValue(env, "RABBITMQ_MANAGEMENT_PORT")}/api/overview`;
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`app:${p}`).toString("base64")}` });
    await expect.poll(async () => (await fetch(mgmt, { headers: auth(password) }).catch(() => undefined))?.status, { timeout: 60_000 }).toBe(200);
    expect((await fetch(mgmt, { headers: auth("guess") })).status).toBe(401);
    const broker = (await compose(root, ["ps", "-q", "rabbitmq"])).stdout.trim();
    const ports = await sh("docker", ["port", broker]);
    for (const line of ports.stdout.trim().split("\n")) expect(line).toMatch(/-> 127\.0\.0\.1:\d+$/);
    // Its health probe is cheap enough to answer within its timeout on a loaded machine (an
    // Erlang VM per probe, rabbitmq-diagnostics, took 25-45 s there: every probe timed out).
    const health = JSON.parse((await sh("docker", ["inspect", "--format", "{{json .State.Health}}", broker])).stdout) as { Status: string; Log: { ExitCode: number; Output: string }[] };
    expect(health.Status).toBe("healthy");
    expect(health.Log.filter((l) => /exceeded timeout/.test(l.Output)), JSON.stringify(health.Log)).toEqual([]);
  });
});
