// Cold start of a built default-shaped stack (nginx, api, worker, postgres, redis): from the
// command to every service healthy and the route answering through the proxy. `dev up` (start
// each service as soon as what it depends on is really ready, probed every 100 ms) against
// `compose up -d` plus waiting for Docker's health on the same files, in the same run. The daily
// start comes after `down` with the volumes kept; the first start has fresh volumes.
// Target: the daily start at most 0.5x compose.
import { spawnSync } from "node:child_process";
import { DEV, compose, destroy, percentile, scaffold, sleep, waitForBody } from "./stack-fixture.mjs";
import Docker from "dockerode";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);

function dev(root, args) {
  const res = spawnSync("node", [DEV, ...args], { cwd: root, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`dev ${args.join(" ")}: ${res.stdout}${res.stderr}`);
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
  const project = `cs-bench-cold-${process.pid}`;
  // The default healthcheck timing, as users get it.
  const fixture = scaffold(project, ["--proxy", "nginx", "--health-interval", "3s"]);
  const url = `http://127.0.0.1:${fixture.env("PROXY_PORT")}/api/`;
  const docker = new Docker();
  try {
    compose(fixture.root, ["build"]);
    const viaCompose = async () => {
      const t0 = performance.now();
      compose(fixture.root, ["up", "-d"]);
      await allHealthy(docker, project);
      await waitForBody(url, "message");
      return performance.now() - t0;
    };
    const viaDev = async () => {
      const t0 = performance.now();
      dev(fixture.root, ["up", "--no-watch"]);
      await waitForBody(url, "message");
      return performance.now() - t0;
    };
    // First starts, fresh volumes (postgres initialises its data directory).
    const firstCompose = await viaCompose();
    compose(fixture.root, ["down", "-v"]);
    const firstDev = await viaDev();
    dev(fixture.root, ["down"]);
    const ours = [];
    const theirs = [];
    for (let i = 0; i < RUNS; i++) {
      theirs.push(await viaCompose());
      compose(fixture.root, ["down"]);
      ours.push(await viaDev());
      dev(fixture.root, ["down"]);
    }
    const p50 = (xs) => percentile(xs, 50);
    return [
      { name: "daily cold start (dev up), median", value: p50(ours), unit: "ms" },
      { name: "daily cold start (compose up -d + health), median", value: p50(theirs), unit: "ms" },
      { name: "daily cold start: dev up / compose", value: p50(ours) / p50(theirs), unit: "x", target: 0.5 },
      { name: "first start, fresh volumes (dev up)", value: firstDev, unit: "ms" },
      { name: "first start, fresh volumes (compose up -d + health)", value: firstCompose, unit: "ms" },
      { name: "first start: dev up / compose", value: firstDev / firstCompose, unit: "x" },
    ];
  } finally {
    destroy(fixture);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(52)} ${r.value.toFixed(r.unit === "x" ? 2 : 0).padStart(8)} ${r.unit}${r.target ? `  (target <= ${r.target})` : ""}`);
}
