// Save-to-new-response per starter (python-http, fastapi, worker, node-http, node, django), as a
// user sees it: the save, then one request through the proxy, sent again every 20 ms on an error
// or the old answer, each request allowed 5 s. Baseline in the same run, on the same stack: the
// container floor, a raw Engine API restart of the service's container plus the same wait.
// Beside it, the physical floor of each: the app's own boot in its container (its command started
// on another port, timed from the start until the port answers; the worker, until Celery says it
// is ready). Target: dev up at most 0.2x the container floor (p50), per starter; the app's own
// boot over the floor is printed too, as no process reload can do better than that ratio.
// The two paths alternate in blocks (floor, dev up, floor, dev up) so that both see the same load
// on a shared machine; the 1-minute load average over the saves is printed beside them.
// BENCH_SAVES (default 10) saves per path; BENCH_STARTERS=node,django picks starters.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { DEV, compose, destroy, percentile, scaffold, sleep, waitForBody } from "./stack-fixture.mjs";

const SAVES = Number(process.env.BENCH_SAVES ?? 10);
const USER = { requestTimeoutMs: 5000, retryMs: 20 };
const P = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";
// Django comes with the python image that also has it (see test/images/python-extras).
const EXTRAS = ["--image", `python:3.12-slim=${P}/python-extras:latest`];
const NODE = ["--image", `node:20-slim=${P}/node:latest`];

// The worker answers through an api sharing its code: GET /api/ enqueues a task and returns what
// the worker computed, so a new answer means the worker runs the saved code.
const WORKER_APP = `import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from tasks import greet

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"status": "ok"} if self.path == "/health" else {"message": greet.delay().get(timeout=10)}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
`;
const WORKER_TASK = `

@app.task
def greet():
    return "hello from worker"
`;

const STARTERS = [
  { starter: "python-http", args: ["--preset", "python-http"], service: "api", route: "/api/", file: "services/api/app.py", boot: { lang: "python", port: "env" } },
  { starter: "fastapi", args: ["--preset", "fastapi"], service: "api", route: "/api/", file: "services/api/main.py", boot: { lang: "python", port: "--port" } },
  {
    starter: "worker",
    args: ["--preset", "python-http,redis,worker"],
    service: "worker",
    route: "/api/",
    file: "services/api/tasks.py",
    prepare(root) {
      writeFileSync(join(root, "services/api/app.py"), WORKER_APP);
      writeFileSync(join(root, "services/api/tasks.py"), readFileSync(join(root, "services/api/tasks.py"), "utf8") + WORKER_TASK);
    },
    boot: { lang: "python", ready: "ready." },
  },
  { starter: "node-http", args: ["--preset", "node-http"], service: "web", route: "/web/", file: "services/web/server.js", boot: { lang: "node", port: "env" } },
  { starter: "node", args: ["--preset", "node"], service: "web", route: "/web/", file: "services/web/server.js", boot: { lang: "node", port: "env" } },
  { starter: "django", args: ["--preset", "django", ...EXTRAS], service: "api", route: "/api/", file: "services/api/config/urls.py", boot: { lang: "python", port: "address" } },
];

const MARKER = /hello from \w+|bench-[\w-]+/;

/** `saves` saves, each timed until the proxy serves it; adds the times and the load seen to `into`. */
async function measure(label, fixture, spec, saves, restart, into) {
  const file = join(fixture.root, spec.file);
  const url = `http://127.0.0.1:${fixture.env("PROXY_PORT")}${spec.route}`;
  for (let i = 0; i < saves; i++) {
    const marker = `bench-${label}-${into.times.length}-${Date.now()}`;
    const text = readFileSync(file, "utf8").replace(MARKER, marker);
    into.load.push(loadavg()[0]);
    const t0 = performance.now();
    writeFileSync(file, text);
    await Promise.all([restart(), waitForBody(url, marker, 120_000, USER)]);
    into.times.push(performance.now() - t0);
    await sleep(300);
  }
}

const summary = ({ times, load }) => ({ p50: percentile(times, 50), p95: percentile(times, 95), load: load.reduce((a, b) => a + b, 0) / load.length });

// Starts the app's command inside its container, on port 39999 (or, for the worker, as a second
// worker), and prints the seconds until the port answers (or Celery says it is ready).
const PY_BOOT = `import os, socket, subprocess, sys, time
cmd, ready = sys.argv[1:-1], sys.argv[-1]
t = time.monotonic()
p = subprocess.Popen(cmd, env=dict(os.environ, PORT="39999"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if ready:
    for line in p.stdout:
        if ready in line: break
else:
    while True:
        try:
            socket.create_connection(("127.0.0.1", 39999), 0.05).close(); break
        except OSError:
            if p.poll() is not None: sys.exit(p.stdout.read())
            time.sleep(0.002)
print(time.monotonic() - t)
p.kill()
`;
const NODE_BOOT = `const { spawn } = require("child_process"); const net = require("net");
const cmd = process.argv.slice(1);
const t = performance.now();
const p = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, PORT: "39999" }, stdio: "ignore" });
const probe = () => { const s = net.connect(39999, "127.0.0.1"); s.on("connect", () => { console.log((performance.now() - t) / 1000); p.kill("SIGKILL"); s.destroy(); process.exit(0); }); s.on("error", () => setTimeout(probe, 2)); };
probe();
`;

async function bootSeconds(container, spec, command) {
  const cmd = command.map((a) => a.replace(/^(0\.0\.0\.0:)\d+$/, "$139999"));
  const i = cmd.indexOf("--port");
  if (i >= 0) cmd[i + 1] = "39999";
  const args = spec.boot.lang === "node" ? ["node", "-e", NODE_BOOT, ...cmd] : ["python", "-c", PY_BOOT, ...cmd, spec.boot.ready ?? ""];
  const times = [];
  for (let n = 0; n < 5; n++) {
    const res = spawnSync("docker", ["exec", "-w", "/app", container, ...args], { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`boot of ${spec.starter} failed: ${res.stdout}${res.stderr}`);
    times.push(Number(res.stdout.trim().split("\n").pop()) * 1000);
  }
  return percentile(times, 50);
}

function startDevUp(root) {
  const child = spawn("node", [DEV, "up", "--detach"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const ready = new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (/^watching /m.test(out)) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    child.on("close", (code) => reject(new Error(`dev up exited ${code}: ${out}`)));
  });
  return { child, ready, output: () => out };
}

async function benchStarter(spec) {
  const fixture = scaffold(`cs-bench-${spec.starter}-${process.pid}`, ["--proxy", "nginx", ...NODE, ...spec.args]);
  try {
    spec.prepare?.(fixture.root);
    compose(fixture.root, ["up", "-d", "--build"]);
    const docker = new Docker();
    const project = fixture.root.split("/").pop();
    const find = async () => (await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${spec.service}`] } }))[0];
    const info = await find();
    await waitForBody(`http://127.0.0.1:${fixture.env("PROXY_PORT")}${spec.route}`, "hello from", 180_000, USER);
    // The app's own command, as the base layer runs it (the dev layer adds only the supervisor).
    const base = JSON.parse(spawnSync("docker", ["inspect", "--format", "{{json .Config.Cmd}}", info.Id], { encoding: "utf8" }).stdout);
    const command = base[0] === "sh" && base[1] === "-c" ? base.slice(5) : base;
    const boot = await bootSeconds(info.Id, spec, command);
    const floorRuns = { times: [], load: [] };
    const devRuns = { times: [], load: [] };
    const reloads = [];
    // Two blocks of each path, alternating: a load that rises or falls during the run weighs on
    // both alike. dev up is not running while the floor is measured (it would reload on the save).
    for (const saves of [Math.ceil(SAVES / 2), Math.floor(SAVES / 2)]) {
      // Looked up each time: dev up may have recreated the container (its own compose files).
      const container = docker.getContainer((await find()).Id);
      await measure("floor", fixture, spec, saves, () => container.restart({ t: 10 }), floorRuns);
      const dev = startDevUp(fixture.root);
      await dev.ready;
      await measure("dev", fixture, spec, saves, async () => {}, devRuns);
      dev.child.kill("SIGINT");
      await new Promise((r) => dev.child.on("close", r));
      reloads.push(...[...dev.output().matchAll(new RegExp(`^${spec.service} (reloaded|restarted)\\b`, "gm"))].map((m) => m[1]));
    }
    const floor = summary(floorRuns);
    const ours = summary(devRuns);
    return [
      { name: `${spec.starter}: save-to-response p50 (dev up, ${reloads.length && reloads.every((r) => r === "reloaded") ? "process reload" : "container restart"})`, value: ours.p50, unit: "ms" },
      { name: `${spec.starter}: save-to-response p95 (dev up)`, value: ours.p95, unit: "ms" },
      { name: `${spec.starter}: container floor p50 (Engine API restart)`, value: floor.p50, unit: "ms" },
      { name: `${spec.starter}: app's own boot in the container p50`, value: boot, unit: "ms" },
      { name: `${spec.starter}: load average (1 min) during the floor's saves`, value: floor.load, unit: "load" },
      { name: `${spec.starter}: load average (1 min) during dev up's saves`, value: ours.load, unit: "load" },
      { name: `${spec.starter}: dev up / container floor (p50)`, value: ours.p50 / floor.p50, unit: "x", target: 0.2 },
      // No process reload can beat the app's own boot: where this is above 0.2, so is any reload.
      { name: `${spec.starter}: app's own boot / container floor (the best a reload can reach)`, value: boot / floor.p50, unit: "x" },
    ];
  } finally {
    destroy(fixture);
  }
}

export async function run() {
  const only = process.env.BENCH_STARTERS?.split(",");
  const rows = [];
  for (const spec of STARTERS.filter((s) => !only || only.includes(s.starter))) {
    process.stderr.write(`  ${spec.starter}...\n`);
    const own = await benchStarter(spec);
    // Each starter takes minutes: its figures are shown as soon as they are known.
    for (const r of own) process.stderr.write(`    ${r.name}: ${r.value.toFixed(r.unit === "x" || r.unit === "load" ? 2 : 0)} ${r.unit}\n`);
    rows.push(...own);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(60)} ${r.value.toFixed(r.unit === "x" || r.unit === "load" ? 2 : 0).padStart(8)} ${r.unit}${r.target ? `  (target <= ${r.target})` : ""}`);
}
