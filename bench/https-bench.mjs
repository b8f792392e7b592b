// HTTPS as a user sees it, per proxy that runs here (nginx, Caddy), on the python-http starter
// under a watching `dev up`:
// - save -> new response over HTTPS (https://localhost:PROXY_HTTPS_PORT/api/, verified against the
//   local CA) against the same over HTTP, saves alternating between the two schemes in one run so
//   load on the machine falls on both alike. Each request is a new connection (the handshake
//   counts, as for a browser's first request after the reload). Target: HTTPS within 10% of HTTP.
// - the cost of the first `dev up` on a machine without the CA: `dev up --no-watch` of the running
//   stack with the CA folder and the project's certificate removed, against the same with both
//   there, alternating. Target: under 1 s more, on dev up's own CPU time (its wall clock beside it:
//   on a busy machine the difference of two whole runs is mostly noise).
// The CA lives in a folder of this run (XDG_DATA_HOME), never the user's.
// BENCH_SAVES (default 10) saves per scheme; BENCH_PROXIES=caddy picks proxies.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV, compose, destroy, percentile, scaffold, sleep } from "./stack-fixture.mjs";

const SAVES = Number(process.env.BENCH_SAVES ?? 10);
const UP_RUNS = 3;
const FILE = "services/api/app.py";
const MARKER = /hello from \w+|bench-[\w-]+/;

/** One GET on a new connection; the body, or undefined on any error (as a browser retrying would see it). */
function get(url, ca) {
  const u = new URL(url);
  const secure = u.protocol === "https:";
  return new Promise((resolve) => {
    const req = (secure ? httpsRequest : httpRequest)(
      { host: "127.0.0.1", port: u.port, path: u.pathname, headers: { host: u.host }, agent: false, timeout: 5000, ...(secure ? { servername: u.hostname, ca } : {}) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(body));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

async function untilBody(url, marker, ca) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await get(url, ca))?.includes(marker)) return;
    await sleep(20);
  }
  throw new Error(`${url} never answered with ${marker}`);
}

/** Saves alternating HTTP and HTTPS; the save-to-new-response times of each. */
async function saves(fixture, urls, ca) {
  const file = join(fixture.root, FILE);
  const times = { http: [], https: [] };
  for (let i = 0; i < SAVES * 2; i++) {
    const scheme = i % 2 === 0 ? "http" : "https";
    const marker = `bench-${scheme}-${i}-${Date.now()}`;
    const text = readFileSync(file, "utf8").replace(MARKER, marker);
    const t0 = performance.now();
    writeFileSync(file, text);
    await untilBody(urls[scheme], marker, ca);
    times[scheme].push(performance.now() - t0);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`    save ${i} over ${scheme}: ${(performance.now() - t0).toFixed(0)} ms\n`);
    await sleep(300);
  }
  return { http: percentile(times.http, 50), https: percentile(times.https, 50) };
}

const CPU_TIME = fileURLToPath(new URL("cpu-time.cjs", import.meta.url));

/** One `dev up --no-watch`: its wall-clock time and its own CPU time (which a busy machine does not stretch). */
function upNoWatch(root, env) {
  const t0 = performance.now();
  const res = spawnSync("node", ["--require", CPU_TIME, DEV, "up", "--no-watch"], { cwd: root, env, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`dev up --no-watch: ${res.stdout}${res.stderr}`);
  return { wall: performance.now() - t0, cpu: Number(/cpu-ms (\d+)/.exec(res.stderr)[1]) };
}

async function benchProxy(proxy, env) {
  const fixture = scaffold(`cs-bench-https-${proxy}-${process.pid}`, ["--proxy", proxy, "--preset", "python-http"]);
  let dev;
  try {
    compose(fixture.root, ["up", "-d", "--build"]);
    const ca = readFileSync(join(env.XDG_DATA_HOME, "create-stack/ca/ca.pem"));
    const urls = { http: `http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`, https: `https://localhost:${fixture.env("PROXY_HTTPS_PORT")}/api/` };
    await untilBody(urls.https, "hello from", ca);

    // The first dev up on a machine without the CA, against one with it (the stack running).
    const fresh = [];
    const warm = [];
    for (let i = 0; i < UP_RUNS; i++) {
      rmSync(join(env.XDG_DATA_HOME, "create-stack"), { recursive: true, force: true });
      rmSync(join(fixture.root, ".create-stack/tls"), { recursive: true, force: true });
      fresh.push(upNoWatch(fixture.root, env));
      warm.push(upNoWatch(fixture.root, env));
    }
    const caNow = readFileSync(join(env.XDG_DATA_HOME, "create-stack/ca/ca.pem"));
    // The proxy reads the new certificate when it starts or reloads: restart it once so every
    // HTTPS answer below is signed by the CA made last.
    compose(fixture.root, ["restart", proxy]);
    await untilBody(urls.https, "hello from", caNow);

    dev = spawn("node", [DEV, "up"], { cwd: fixture.root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    dev.stdout.on("data", (d) => (out += d));
    dev.stderr.on("data", (d) => (out += d));
    const deadline = Date.now() + 180_000;
    while (!/^watching /m.test(out)) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`dev up did not start watching: ${out}`);
      await sleep(50);
    }
    const t = await saves(fixture, urls, caNow);
    await stopDev(dev);
    const p50 = (runs, key) => percentile(runs.map((r) => r[key]), 50);
    return [
      { name: `${proxy}: save-to-response p50 over HTTP`, value: t.http, unit: "ms" },
      { name: `${proxy}: save-to-response p50 over HTTPS`, value: t.https, unit: "ms" },
      { name: `${proxy}: HTTPS / HTTP (p50)`, value: t.https / t.http, unit: "x", target: 1.1 },
      { name: `${proxy}: dev up --no-watch p50, CA and certificate there`, value: p50(warm, "wall"), unit: "ms" },
      { name: `${proxy}: dev up --no-watch p50, making the CA and certificate`, value: p50(fresh, "wall"), unit: "ms" },
      { name: `${proxy}: what making them adds, wall clock`, value: p50(fresh, "wall") - p50(warm, "wall"), unit: "ms" },
      { name: `${proxy}: what making them adds, dev up's CPU time`, value: p50(fresh, "cpu") - p50(warm, "cpu"), unit: "ms", target: 1000 },
    ];
  } finally {
    // A watching dev up left running (a save that never answered threw above) would start again
    // what `down` removes: it ends first.
    if (dev) await stopDev(dev);
    destroy(fixture);
  }
}

/** Ends a dev up (Ctrl-C, then SIGKILL after 30 s) and waits for it. */
async function stopDev(dev) {
  if (dev.exitCode !== null || dev.signalCode !== null) return;
  const closed = new Promise((r) => dev.once("close", r));
  dev.kill("SIGINT");
  const timer = setTimeout(() => dev.kill("SIGKILL"), 30_000);
  await closed;
  clearTimeout(timer);
}

export async function run() {
  const data = mkdtempSync(join(tmpdir(), "create-stack-bench-data-"));
  const saved = process.env.XDG_DATA_HOME;
  // scaffold() runs create-stack with this process's environment: the CA goes to the run's folder.
  process.env.XDG_DATA_HOME = data;
  const env = { ...process.env };
  const rows = [];
  try {
    for (const proxy of (process.env.BENCH_PROXIES ?? "nginx,caddy").split(",")) {
      process.stderr.write(`  ${proxy}...\n`);
      const own = await benchProxy(proxy, env);
      for (const r of own) process.stderr.write(`    ${r.name}: ${r.value.toFixed(r.unit === "x" ? 2 : 0)} ${r.unit}\n`);
      rows.push(...own);
    }
  } finally {
    if (saved === undefined) delete process.env.XDG_DATA_HOME;
    else process.env.XDG_DATA_HOME = saved;
    rmSync(data, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(64)} ${r.value.toFixed(r.unit === "x" ? 2 : 0).padStart(8)} ${r.unit}${r.target ? `  (target <= ${r.target})` : ""}`);
}
