// CLI start-up: `create-stack --help` and `dev --version` against bare `node -e 0`, same run.
// Target: within 60 ms of bare node.
import { spawnSync } from "node:child_process";
import { CREATE_STACK, DEV, percentile } from "./stack-fixture.mjs";

function time(args, runs = 15) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = spawnSync("node", args, { stdio: "ignore" });
    if (res.status !== 0) throw new Error(`node ${args.join(" ")} exited ${res.status}`);
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

export async function run() {
  const bare = time(["-e", "0"]);
  const help = time([CREATE_STACK, "--help"]);
  const version = time([DEV, "--version"]);
  return [
    { name: "bare node -e 0 (baseline)", value: bare, unit: "ms" },
    { name: "create-stack --help", value: help, unit: "ms" },
    { name: "create-stack --help minus baseline", value: help - bare, unit: "ms", target: 60 },
    { name: "dev --version", value: version, unit: "ms" },
    { name: "dev --version minus baseline", value: version - bare, unit: "ms", target: 60 },
    { name: "create-stack --help / baseline", value: help / bare, unit: "x" },
  ];
}
