// `dev export swarm` and `dev export kubernetes` of a 50-service stack, as a user runs them (node
// start included), against `dev sync` of the same stack measured in the same run.
// Target: each export under 500 ms.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { CREATE_STACK, DEV, percentile } from "./stack-fixture.mjs";

const SERVICES = 50;
const RUNS = 7;

export async function run() {
  const parent = mkdtempSync(join(tmpdir(), "create-stack-export-bench-"));
  try {
    const root = join(parent, "big");
    spawnSync("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,postgres,redis,worker"], { stdio: "ignore" });
    const doc = parseDocument(readFileSync(join(root, "stack.yaml"), "utf8"));
    for (let i = 1; i < SERVICES; i++) doc.setIn(["services", `svc-${i}`], { template: "python-http", port: 8000, route: `/svc-${i}`, depends_on: ["postgres"] });
    writeFileSync(join(root, "stack.yaml"), doc.toString());
    const dev = (args) => {
      const t0 = performance.now();
      const res = spawnSync("node", [DEV, ...args], { cwd: root, encoding: "utf8" });
      if (res.status !== 0) throw new Error(`dev ${args.join(" ")}: ${res.stderr}`);
      return performance.now() - t0;
    };
    dev(["sync"]);
    const timed = (args, fresh) => {
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        if (fresh) rmSync(join(root, "deploy"), { recursive: true, force: true });
        times.push(dev(args));
      }
      return percentile(times, 50);
    };
    const swarm = timed(["export", "swarm", "--registry", "registry.example.com/team"], true);
    const kube = timed(["export", "kubernetes", "--registry", "registry.example.com/team"], true);
    const sync = timed(["sync"], false);
    return [
      { name: `dev export swarm, ${SERVICES} services`, value: swarm, unit: "ms", target: 500 },
      { name: `dev export kubernetes, ${SERVICES} services`, value: kube, unit: "ms", target: 500 },
      { name: `baseline: dev sync, same stack (nothing to write)`, value: sync, unit: "ms" },
      { name: "export swarm / dev sync", value: swarm / sync, unit: "x" },
      { name: "export kubernetes / dev sync", value: kube / sync, unit: "x" },
    ];
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
