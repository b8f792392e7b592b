// Save-to-new-response through the proxy: `dev up`'s watcher and in-place process reload, against
// baselines measured in the same run on the same stack: (a) the container floor, a raw Engine
// API container restart plus the same wait; (b) the compose CLI path (`docker compose restart`);
// (c) where compose understands compose.watch.yaml (v2.24+), plain `docker compose watch`
// (sync + container restart, no create-stack process). BENCH_WATCH_COMPARE=1: (a), dev up and (c).
// Measured as a user sees it: one request right after the save, sent again every 20 ms on an error
// or the old page, each request allowed 5 s; and again with 100 ms request timeouts.
// Targets: p50 at most 0.3x the container floor, p95 at most 0.4x.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { DEV, compose, composeCmd, destroy, percentile, scaffold, sleep, waitForBody } from "./stack-fixture.mjs";

const SAVES = Number(process.env.BENCH_SAVES ?? 20);

const USER = { requestTimeoutMs: 5000, retryMs: 20 };
const IMPATIENT = { requestTimeoutMs: 100, retryMs: 20 };

async function measure(label, fixture, restart, client = USER) {
  const file = join(fixture.root, "services/api/app.py");
  const url = `http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`;
  const times = [];
  for (let i = 0; i < SAVES; i++) {
    const marker = `${label}-${i}-${Date.now()}`;
    const text = readFileSync(file, "utf8").replace(/"message": "[^"]*"/, `"message": "${marker}"`);
    const t0 = performance.now();
    writeFileSync(file, text);
    // The wait starts at the save for every path, as a user's reloads would.
    await Promise.all([restart(), waitForBody(url, marker, 60_000, client)]);
    times.push(performance.now() - t0);
    await sleep(300);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

function makeTree(root, files) {
  for (let i = 0; i < files; i++) {
    const dir = join(root, `pkg${i % 50}`, `mod${i % 500}`);
    if (i < 500) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.json`), "{}");
  }
}

/** CPU use of another process over a window, from /proc (utime + stime, in clock ticks). */
async function processCpu(pid, ms) {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  const t0 = ticks();
  await sleep(ms);
  return (((ticks() - t0) / 100) * 1000 / ms) * 100;
}

/** Plain `docker compose watch`, ready once compose says so. */
function startComposeWatch(root) {
  const [cmd, ...pre] = composeCmd();
  const child = spawn(cmd, [...pre, "watch"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const ready = new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (/Watch enabled/i.test(out)) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    child.on("close", (code) => reject(new Error(`compose watch exited ${code}: ${out}`)));
  });
  return { child, ready };
}

/** Save-to-response under plain compose watch: compose recreates the containers from the watch layer (no mounts). */
async function measureComposeWatch(fixture) {
  compose(fixture.root, ["up", "-d", "--wait"]);
  await waitForBody(`http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`, "message", 120_000, USER);
  const watch = startComposeWatch(fixture.root);
  await watch.ready;
  try {
    return await measure("watch", fixture, async () => {});
  } finally {
    watch.child.kill("SIGINT");
    await new Promise((r) => watch.child.on("close", r));
  }
}

function watchRows(viaWatch, ours, floor) {
  return [
    { name: "save-to-response p50 (docker compose watch, sync+restart)", value: viaWatch.p50, unit: "ms" },
    { name: "save-to-response p95 (docker compose watch)", value: viaWatch.p95, unit: "ms" },
    { name: "dev up / compose watch (p50)", value: ours.p50 / viaWatch.p50, unit: "x" },
    { name: "compose watch / container floor (p50)", value: viaWatch.p50 / floor.p50, unit: "x" },
  ];
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

export async function run() {
  const fixture = scaffold(`cs-bench-up-${process.pid}`, ["--preset", "python-http", "--proxy", "nginx"]);
  try {
    // Started by dev, so the sources are mounted (plain compose on v2.24+ reads the watch layer,
    // which syncs instead): the floor and compose restart see a save through the mount.
    const started = spawnSync("node", [DEV, "up", "--no-watch"], { cwd: fixture.root, encoding: "utf8" });
    if (started.status !== 0) throw new Error(`dev up --no-watch: ${started.stdout}${started.stderr}`);
    const watchLayer = fixture.env("COMPOSE_FILE").split(":").includes("compose.watch.yaml");
    const docker = new Docker();
    const [api] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${fixture.root.split("/").pop()}`, "com.docker.compose.service=api"] } });
    const container = docker.getContainer(api.Id);
    await waitForBody(`http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`, "message", 120_000, USER);

    const floor = await measure("floor", fixture, () => container.restart({ t: 10 }));
    // BENCH_RELOAD_ONLY=1: the reload figures only (as a user sees them), for a busy machine.
    if (process.env.BENCH_RELOAD_ONLY === "1") {
      const dev = startDevUp(fixture.root);
      await dev.ready;
      const ours = await measure("dev", fixture, async () => {});
      dev.child.kill("SIGINT");
      await new Promise((r) => dev.child.on("close", r));
      return reloadRows(ours, floor);
    }
    if (process.env.BENCH_WATCH_COMPARE === "1") {
      const dev = startDevUp(fixture.root);
      await dev.ready;
      const ours = await measure("dev", fixture, async () => {});
      dev.child.kill("SIGINT");
      await new Promise((r) => dev.child.on("close", r));
      if (!watchLayer) return reloadRows(ours, floor);
      return [...reloadRows(ours, floor), ...watchRows(await measureComposeWatch(fixture), ours, floor)];
    }
    const floorImpatient = await measure("floor100", fixture, () => container.restart({ t: 10 }), IMPATIENT);
    const cli = await measure("cli", fixture, async () => compose(fixture.root, ["restart", "api"]));
    // The project also holds a 50,000-file tree (vendored data, say): dev up watches it all.
    makeTree(join(fixture.root, "data"), 50_000);
    const dev = startDevUp(fixture.root);
    await dev.ready;
    const ours = await measure("dev", fixture, async () => {});
    const oursImpatient = await measure("dev100", fixture, async () => {}, IMPATIENT);
    await sleep(1000);
    const idleCpu = await processCpu(dev.child.pid, 5000);
    dev.child.kill("SIGINT");
    await new Promise((r) => dev.child.on("close", r));

    // dev add service on the running stack: command start to the route answering through nginx,
    // beside the new service's own start (build, create, healthy), as the command reports them.
    const adds = [];
    for (let i = 0; i < 3; i++) {
      const res = spawnSync("node", [DEV, "add", "service", `extra-${i}`, "--route", `/extra-${i}`, "--json"], { cwd: fixture.root, encoding: "utf8" });
      if (res.status !== 0) throw new Error(`dev add failed: ${res.stderr}`);
      adds.push(JSON.parse(res.stdout).live);
    }
    const median = (k) => percentile(adds.map((a) => a[k] * 1000), 50);
    // Last: plain compose recreates the containers without the mounts.
    const viaWatch = watchLayer ? await measureComposeWatch(fixture) : undefined;

    const rows = [
      ...reloadRows(ours, floor),
      { name: "compose CLI p50 (compose restart)", value: cli.p50, unit: "ms" },
      { name: "compose CLI p95", value: cli.p95, unit: "ms" },
      { name: "dev up / compose CLI (p50)", value: ours.p50 / cli.p50, unit: "x" },
      { name: "100 ms requests: dev up p50", value: oursImpatient.p50, unit: "ms" },
      { name: "100 ms requests: dev up p95", value: oursImpatient.p95, unit: "ms" },
      { name: "100 ms requests: container floor p50", value: floorImpatient.p50, unit: "ms" },
      { name: "100 ms requests: container floor p95", value: floorImpatient.p95, unit: "ms" },
      { name: "100 ms requests: dev up / floor (p50)", value: oursImpatient.p50 / floorImpatient.p50, unit: "x" },
      { name: "idle dev up watching 50,000 files: CPU", value: idleCpu, unit: "%", target: 1 },
      { name: "dev add service: command to route answering", value: median("routeSeconds"), unit: "ms" },
      { name: "dev add service: the service's own start", value: median("serviceStartSeconds"), unit: "ms" },
      { name: "dev add: route answering / own start", value: median("routeSeconds") / median("serviceStartSeconds"), unit: "x" },
      ...(viaWatch ? watchRows(viaWatch, ours, floor) : []),
    ];
    return rows;
  } finally {
    destroy(fixture);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(40)} ${r.value.toFixed(r.unit === "x" ? 2 : 0).padStart(8)} ${r.unit}${r.target ? `  (target <= ${r.target})` : ""}`);
}

/** Save-to-response of dev up beside the container floor, with the issue's targets. */
function reloadRows(ours, floor) {
  return [
    { name: "save-to-response p50 (dev up, process reload)", value: ours.p50, unit: "ms" },
    { name: "save-to-response p95 (dev up, process reload)", value: ours.p95, unit: "ms" },
    { name: "container floor p50 (raw Engine API restart)", value: floor.p50, unit: "ms" },
    { name: "container floor p95", value: floor.p95, unit: "ms" },
    { name: "dev up / container floor (p50)", value: ours.p50 / floor.p50, unit: "x", target: 0.3 },
    { name: "dev up / container floor (p95)", value: ours.p95 / floor.p95, unit: "x", target: 0.4 },
  ];
}
