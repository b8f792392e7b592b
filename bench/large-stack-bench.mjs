// `dev sync` and `dev add service` on a stack.yaml holding 50,000 env keys (about 1.4 MB), against
// the same commands on 5,000 keys measured in the same run. Linear work gives a ratio near 10;
// the quadratic duplicate-key check this replaced gave about 25 (0.79 s -> 19.7 s).
// Target: sync of 50,000 keys under 2 s.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { fileURLToPath } from "node:url";
import { CREATE_STACK, DEV, percentile } from "./stack-fixture.mjs";

const CPU_TIME = fileURLToPath(new URL("cpu-time.cjs", import.meta.url));

const RUNS = 3;

function makeProject(parent, keys) {
  const root = join(parent, `keys-${keys}`);
  const res = spawnSync("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,postgres"], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`create-stack failed: ${res.stderr}`);
  const doc = parseDocument(readFileSync(join(root, "stack.yaml"), "utf8"));
  const env = {};
  for (let i = 0; i < keys; i++) env[`KEY_${i}`] = `value-${i}`;
  doc.setIn(["services", "api", "env"], env);
  writeFileSync(join(root, "stack.yaml"), doc.toString());
  return root;
}

/** Median wall-clock and CPU milliseconds (CPU stays meaningful when the machine is busy). */
function timed(args, template, parent, label) {
  const times = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    // A fresh copy each run: the sync writes the big compose.yaml every time.
    const root = join(parent, `${label}-${i}`);
    cpSync(template, root, { recursive: true });
    const t0 = performance.now();
    const res = spawnSync("node", ["--require", CPU_TIME, DEV, ...args], { cwd: root, encoding: "utf8" });
    times.push(performance.now() - t0);
    if (res.status !== 0) throw new Error(`dev ${args.join(" ")} failed: ${res.stderr}`);
    cpu.push(Number(/cpu-ms (\d+)/.exec(res.stderr)?.[1]));
    rmSync(root, { recursive: true, force: true });
  }
  return { wall: percentile(times, 50), cpu: percentile(cpu, 50) };
}

export async function run() {
  const parent = mkdtempSync(join(tmpdir(), "create-stack-large-bench-"));
  try {
    const small = makeProject(parent, 5_000);
    const large = makeProject(parent, 50_000);
    const sync5 = timed(["sync"], small, parent, "s5");
    const sync50 = timed(["sync"], large, parent, "s50");
    const add5 = timed(["add", "service", "extra", "--no-start"], small, parent, "a5");
    const add50 = timed(["add", "service", "extra", "--no-start"], large, parent, "a50");
    const node = percentile(Array.from({ length: RUNS }, () => {
      const t0 = performance.now();
      spawnSync("node", ["-e", "0"]);
      return performance.now() - t0;
    }), 50);
    return [
      { name: "dev sync, 50,000 env keys", value: sync50.wall, unit: "ms", target: 2000 },
      { name: "dev sync, 50,000 env keys (CPU)", value: sync50.cpu, unit: "ms", target: 2000 },
      { name: "dev sync, 5,000 env keys", value: sync5.wall, unit: "ms" },
      { name: "dev sync 50k / 5k, CPU (linear: ~10 or less)", value: sync50.cpu / sync5.cpu, unit: "x", target: 15 },
      { name: "dev add service, 50,000 env keys", value: add50.wall, unit: "ms" },
      { name: "dev add service, 50,000 env keys (CPU)", value: add50.cpu, unit: "ms" },
      { name: "dev add 50k / 5k, CPU (linear: ~10 or less)", value: add50.cpu / add5.cpu, unit: "x", target: 15 },
      { name: "baseline: node start", value: node, unit: "ms" },
    ];
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
