// Cold start of a built default-shaped stack (nginx, api, worker, postgres, redis), then of the
// same stack with 15 more routed services (20 in all): from the command to every service healthy
// and the route answering through the proxy. `dev up --no-watch` (build only images older than
// their inputs, start each service as soon as what it depends on is really ready, probed from
// 100 ms on, backing off) against plain compose on the same
// files, in the same run: compose v2 `up -d --wait` (with compose.start-interval.yaml listed
// where compose 2.24+ runs on Docker 25+), docker-compose v1 `up -d` plus waiting for Docker's
// health. The daily start comes after `down` with the volumes kept; the first start has fresh
// volumes. `dev up --timings` tells where its time went: the median of each step is printed.
// Targets: the daily start no slower than compose (1.0x), and faster with 20 services.
// BENCH_COLD_STACKS=default or =20 runs one of the two. BENCH_COLD_BEFORE=<another build's
// dist/bin/dev.js> measures that build's dev up too, interleaved in the same rounds (compose,
// before, this one), for a before/after on the same machine load. The load average is printed.
// CPU, beside the time: the command's own (user + system, with its compose runs: /usr/bin/time)
// and the project's containers' (their cgroups' usage once the start is done: the apps' starts
// and the healthcheck commands run in them), each side's median.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { DEV, compose, composeCmd, destroy, percentile, scaffold, sleep, waitForBody } from "./stack-fixture.mjs";
import Docker from "dockerode";
import { loadavg } from "node:os";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const BEFORE = process.env.BENCH_COLD_BEFORE;

function dev(root, args, bin = DEV) {
  return timed("node", [bin, ...args], root).stdout;
}

const TIME = "/usr/bin/time";
const CPU_LINE = /^cpu-seconds ([\d.]+) ([\d.]+)$/m;

/** Runs a command; its output and, where /usr/bin/time is installed, its CPU seconds (with its children's). */
function timed(cmd, args, cwd) {
  const withTime = existsSync(TIME);
  const res = withTime ? spawnSync(TIME, ["-f", "cpu-seconds %U %S", cmd, ...args], { cwd, encoding: "utf8" }) : spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${res.stdout}${res.stderr}`);
  const cpu = CPU_LINE.exec(res.stderr ?? "");
  return { stdout: res.stdout, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined };
}

/** CPU seconds the project's containers have used (cgroup v1 cpuacct or v2 cpu.stat), or undefined where not found. */
async function containersCpu(docker, project) {
  const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } });
  let total = 0;
  for (const { Id: id } of list) {
    const v1 = [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, `/sys/fs/cgroup/cpuacct/system.slice/docker-${id}.scope/cpuacct.usage`].find(existsSync);
    const v2 = [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`].find(existsSync);
    if (v1) total += Number(readFileSync(v1, "utf8")) / 1e9;
    else if (v2) total += Number(/^usage_usec (\d+)$/m.exec(readFileSync(v2, "utf8"))?.[1] ?? NaN) / 1e6;
    else return undefined;
  }
  return list.length ? total : undefined;
}

/** `timings: node start 180 ms, sync 40 ms, ...` as [step, ms] pairs. */
function stepsOf(out) {
  const line = /^timings: (.*) \(total/m.exec(out)?.[1] ?? "";
  return [...line.matchAll(/([a-z ]+?) (\d+) ms(?:, |$)/g)].map(([, step, ms]) => [step.trim(), Number(ms)]);
}

/** 15 more template services sharing api's folder (one image), each routed: 20 services in all. */
function addServices(root, count) {
  const file = join(root, "stack.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (let i = 1; i <= count; i++) doc.setIn(["services", `svc${i}`], { template: "python-http", path: "services/api", port: 8000, route: `/svc${i}` });
  writeFileSync(file, doc.toString());
  dev(root, ["sync"]);
}

/** Every container of the project running, and healthy where it has a healthcheck (Docker's word). */
async function allHealthy(docker, project) {
  for (;;) {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    if (list.length && list.every((c) => c.State === "running" && !/\((health: starting|unhealthy)\)/.test(c.Status))) return;
    await sleep(20);
  }
}

export async function run() {
  const which = process.env.BENCH_COLD_STACKS;
  const rows = [];
  if (which !== "20") rows.push(...(await coldStart("default", 0, true)));
  // On a loaded machine plain compose can give up on a slow postgres (its healthcheck's retries
  // run out): that stack's figures are then missing, said on stderr, and the others still print.
  if (which !== "default") rows.push(...(await coldStart("20 services", 15, false).catch((err) => (process.stderr.write(`20 services: not measured: ${String(err.message).split("\n").slice(-2).join(" ")}\n`), []))));
  return rows;
}

async function coldStart(label, extra, first) {
  const project = `cs-bench-cold-${extra}-${process.pid}`;
  // The default healthcheck timing, as users get it.
  const fixture = scaffold(project, ["--proxy", "nginx", "--health-interval", "3s"]);
  if (extra) addServices(fixture.root, extra);
  const url = `http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`;
  const docker = new Docker();
  const v2 = composeCmd()[0] === "docker";
  const composeName = v2 ? "compose up -d --wait" : "compose up -d + health";
  try {
    compose(fixture.root, ["build"]);
    const [composeBin, ...composePre] = composeCmd();
    const cpu = { compose: [], dev: [], composeContainers: [], devContainers: [] };
    const viaCompose = async (record = false) => {
      const t0 = performance.now();
      const run = timed(composeBin, [...composePre, "up", "-d", ...(v2 ? ["--wait"] : [])], fixture.root);
      if (!v2) await allHealthy(docker, project);
      await waitForBody(url, "message");
      const ms = performance.now() - t0;
      if (record) {
        cpu.compose.push(run.cpu);
        cpu.composeContainers.push(await containersCpu(docker, project));
      }
      return ms;
    };
    const steps = [];
    const beforeSteps = [];
    const viaDev = async (bin = DEV, into = steps, record = false) => {
      const t0 = performance.now();
      const run = timed("node", [bin, "up", "--no-watch", "--timings"], fixture.root);
      into.push(stepsOf(run.stdout));
      process.stderr.write(`${label} dev up${bin === DEV ? "" : " (before)"} steps: ${into.at(-1).map(([n, ms]) => `${n} ${ms}`).join(", ")}\n`);
      await waitForBody(url, "message");
      const ms = performance.now() - t0;
      if (record) {
        cpu.dev.push(run.cpu);
        cpu.devContainers.push(await containersCpu(docker, project));
      }
      return ms;
    };
    let firstDev;
    let firstCompose;
    if (first) {
      // First starts, fresh volumes (postgres initialises its data directory).
      firstCompose = await viaCompose();
      compose(fixture.root, ["down", "-v"]);
      firstDev = await viaDev();
      dev(fixture.root, ["down"]);
      process.stderr.write(`${label} first start: dev up ${firstDev.toFixed(0)} ms, compose ${firstCompose.toFixed(0)} ms\n`);
    } else {
      // Volumes made once, and the images built once by dev up (as on any day after the first),
      // outside the measurement.
      await viaCompose();
      compose(fixture.root, ["down"]);
      dev(fixture.root, ["up", "--no-watch"]);
      dev(fixture.root, ["down"]);
    }
    const ours = [];
    const theirs = [];
    const before = [];
    const loads = [];
    for (let i = 0; i < RUNS; i++) {
      loads.push(loadavg()[0]);
      theirs.push(await viaCompose(true));
      compose(fixture.root, ["down"]);
      if (BEFORE) {
        before.push(await viaDev(BEFORE, beforeSteps));
        dev(fixture.root, ["down"], BEFORE);
      }
      ours.push(await viaDev(DEV, steps, true));
      dev(fixture.root, ["down"]);
      const then = BEFORE ? `, before ${before.at(-1).toFixed(0)} ms` : "";
      process.stderr.write(`${label} daily start ${i + 1} (load ${loads.at(-1).toFixed(1)}): dev up ${ours.at(-1).toFixed(0)} ms${then}, compose ${theirs.at(-1).toFixed(0)} ms\n`);
    }
    const p50 = (xs) => percentile(xs, 50);
    const target = extra ? 0.99 : 1.0;
    const rows = [
      { name: `${label}: daily cold start (dev up --no-watch), median`, value: p50(ours), unit: "ms" },
      { name: `${label}: daily cold start (${composeName}), median`, value: p50(theirs), unit: "ms" },
      { name: `${label}: daily cold start: dev up / compose`, value: p50(ours) / p50(theirs), unit: "x", target },
      { name: `${label}: load average (1 min) during the daily starts, median`, value: p50(loads), unit: "load" },
    ];
    const cpuRow = (what, xs) => (xs.every((x) => x !== undefined) ? [{ name: `${label}: ${what}, median`, value: p50(xs), unit: "s" }] : []);
    rows.push(
      ...cpuRow("CPU of dev up (its compose runs included)", cpu.dev),
      ...cpuRow(`CPU of ${composeName}`, cpu.compose),
      ...cpuRow("containers' CPU by the end of dev up's start", cpu.devContainers),
      ...cpuRow(`containers' CPU by the end of ${composeName}'s start`, cpu.composeContainers),
    );
    if (BEFORE) {
      rows.push(
        { name: `${label}: daily cold start (dev up, before), median`, value: p50(before), unit: "ms" },
        { name: `${label}: daily cold start: dev up / before`, value: p50(ours) / p50(before), unit: "x" },
        { name: `${label}: daily cold start: before / compose`, value: p50(before) / p50(theirs), unit: "x" },
      );
    }
    if (first) {
      rows.push(
        { name: `${label}: first start, fresh volumes (dev up)`, value: firstDev, unit: "ms" },
        { name: `${label}: first start, fresh volumes (${composeName})`, value: firstCompose, unit: "ms" },
        { name: `${label}: first start: dev up / compose`, value: firstDev / firstCompose, unit: "x" },
      );
    }
    // Where dev up's daily start went (the first start's steps are left out: fresh volumes).
    const daily = steps.slice(first ? 1 : 0);
    for (const [step] of daily[0] ?? []) {
      rows.push({ name: `${label}: dev up step: ${step}, median`, value: p50(daily.map((s) => s.find(([n]) => n === step)?.[1] ?? 0)), unit: "ms" });
    }
    for (const [step] of beforeSteps[0] ?? []) {
      rows.push({ name: `${label}: dev up (before) step: ${step}, median`, value: p50(beforeSteps.map((s) => s.find(([n]) => n === step)?.[1] ?? 0)), unit: "ms" });
    }
    return rows;
  } finally {
    destroy(fixture);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(52)} ${r.value.toFixed(r.unit === "x" || r.unit === "load" || r.unit === "s" ? 2 : 0).padStart(8)} ${r.unit}${r.target ? `  (target <= ${r.target})` : ""}`);
}
