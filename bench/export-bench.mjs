// `dev export swarm` and `dev export kubernetes` of a 50-service stack, as a user runs them (a new
// node process each time, start-up included, nothing exported before), in a folder without git
// and in a git repository (images tagged by commit). Baselines measured in the same run, the
// runs interleaved so a change in the machine's load moves them alike: bare `node -e 0`, the
// CLI's start-up (`dev --version`) and `dev sync` of the same stack (nothing to write).
// Target: each export under 500 ms. The load average is printed: the figures mean little on a busy machine.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { CREATE_STACK, DEV, percentile } from "./stack-fixture.mjs";

const SERVICES = 50;
const RUNS = 11;
const REGISTRY = ["--registry", "registry.example.com/team"];

function bigStack(parent, name) {
  const root = join(parent, name);
  spawnSync("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,postgres,redis,worker"], { stdio: "ignore" });
  const doc = parseDocument(readFileSync(join(root, "stack.yaml"), "utf8"));
  for (let i = 1; i < SERVICES; i++) doc.setIn(["services", `svc-${i}`], { template: "python-http", port: 8000, route: `/svc-${i}`, depends_on: ["postgres"] });
  writeFileSync(join(root, "stack.yaml"), doc.toString());
  return root;
}

function timed(cwd, args, before) {
  before?.();
  const t0 = performance.now();
  const res = spawnSync("node", args, { cwd, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`node ${args.join(" ")}: ${res.stderr}`);
  return ms;
}

export async function run() {
  const parent = mkdtempSync(join(tmpdir(), "create-stack-export-bench-"));
  try {
    const plain = bigStack(parent, "big");
    const repo = bigStack(parent, "big-git");
    for (const root of [plain, repo]) timed(root, [DEV, "sync"]);
    const git = (...args) => execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=bench", ...args], { cwd: repo, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "stack");

    const fresh = (root) => () => rmSync(join(root, "deploy"), { recursive: true, force: true });
    const cases = {
      bare: () => timed(plain, ["-e", "0"]),
      version: () => timed(plain, [DEV, "--version"]),
      sync: () => timed(plain, [DEV, "sync"]),
      swarm: () => timed(plain, [DEV, "export", "swarm", ...REGISTRY], fresh(plain)),
      kube: () => timed(plain, [DEV, "export", "kubernetes", ...REGISTRY], fresh(plain)),
      swarmGit: () => timed(repo, [DEV, "export", "swarm", ...REGISTRY], fresh(repo)),
      kubeGit: () => timed(repo, [DEV, "export", "kubernetes", ...REGISTRY], fresh(repo)),
    };
    const load = loadavg()[0];
    for (const measure of Object.values(cases)) measure(); // warm the file cache
    const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) for (const [k, measure] of Object.entries(cases)) times[k].push(measure());
    const m = Object.fromEntries(Object.entries(times).map(([k, t]) => [k, percentile(t, 50)]));
    return [
      { name: `load average (1 min) at the start, ${RUNS} runs each, medians`, value: load, unit: "load" },
      { name: "baseline: node -e 0", value: m.bare, unit: "ms" },
      { name: "baseline: dev --version (CLI start-up)", value: m.version, unit: "ms" },
      { name: "baseline: dev sync, same stack (nothing to write)", value: m.sync, unit: "ms" },
      { name: `dev export swarm, ${SERVICES} services`, value: m.swarm, unit: "ms", target: 500 },
      { name: `dev export kubernetes, ${SERVICES} services`, value: m.kube, unit: "ms", target: 500 },
      { name: `dev export swarm, ${SERVICES} services, git repository`, value: m.swarmGit, unit: "ms", target: 500 },
      { name: `dev export kubernetes, ${SERVICES} services, git repository`, value: m.kubeGit, unit: "ms", target: 500 },
      { name: "export swarm / node -e 0", value: m.swarm / m.bare, unit: "x" },
      { name: "export kubernetes / node -e 0", value: m.kube / m.bare, unit: "x" },
      { name: "export kubernetes / dev sync", value: m.kube / m.sync, unit: "x" },
    ];
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
