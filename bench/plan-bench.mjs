// Planning + writing a 50-service stack, and `dev add service` on it, against a baseline measured
// in the same run: writing the same files with plain fs (no planning, no validation).
// Targets: create under 500 ms, add under 300 ms.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseDocument } from "yaml";
import { CREATE_STACK, DEV, percentile } from "./stack-fixture.mjs";

const SERVICES = 50;
const RUNS = 5;

function list(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? list(join(dir, n)) : [join(dir, n)]));
}

/** A 50-service project: scaffolded, then stack.yaml grown to 50 routed services and synced. */
function makeProject(parent) {
  const root = join(parent, "big");
  spawnSync("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,postgres,redis"], { stdio: "ignore" });
  const doc = parseDocument(readFileSync(join(root, "stack.yaml"), "utf8"));
  for (let i = 1; i < SERVICES; i++) doc.setIn(["services", `svc-${i}`], { template: "python-http", port: 8000, route: `/svc-${i}`, depends_on: ["postgres"] });
  writeFileSync(join(root, "stack.yaml"), doc.toString());
  return root;
}

export async function run() {
  const parent = mkdtempSync(join(tmpdir(), "create-stack-plan-bench-"));
  try {
    const template = makeProject(parent);
    const timed = (fn) => {
      const times = [];
      for (let i = 0; i < RUNS; i++) times.push(fn(i));
      return percentile(times, 50);
    };
    // `dev sync` on a fresh copy plans and writes every file of the 50-service stack.
    const files = list(template).filter((f) => !f.endsWith(".env"));
    const sync = timed((i) => {
      const root = join(parent, `sync-${i}`);
      for (const f of files.filter((f) => f.endsWith("stack.yaml") || f.includes("/.env"))) {
        mkdirSync(dirname(join(root, relative(template, f))), { recursive: true });
        writeFileSync(join(root, relative(template, f)), readFileSync(f));
      }
      const t0 = performance.now();
      const res = spawnSync("node", [DEV, "sync"], { cwd: root, stdio: "ignore" });
      if (res.status !== 0) throw new Error("dev sync failed");
      return performance.now() - t0;
    });
    spawnSync("node", [DEV, "sync"], { cwd: template, stdio: "ignore" });
    const add = timed((i) => {
      const t0 = performance.now();
      const res = spawnSync("node", [DEV, "add", "service", `extra-${i}`, "--route", `/extra-${i}`, "--no-start"], { cwd: template, encoding: "utf8" });
      if (res.status !== 0) throw new Error(`dev add failed: ${res.stderr}`);
      return performance.now() - t0;
    });
    const written = list(template).map((f) => [relative(template, f), readFileSync(f)]);
    const baseline = timed((i) => {
      const root = join(parent, `plain-${i}`);
      const t0 = performance.now();
      for (const [path, content] of written) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      spawnSync("node", ["-e", "0"]);
      return performance.now() - t0;
    });
    return [
      { name: `plan + write ${SERVICES} services (dev sync)`, value: sync, unit: "ms", target: 500 },
      { name: `dev add service on ${SERVICES} services`, value: add, unit: "ms", target: 300 },
      { name: "baseline: node start + plain fs writes", value: baseline, unit: "ms" },
      { name: "dev sync / baseline", value: sync / baseline, unit: "x" },
      { name: "dev add / baseline", value: add / baseline, unit: "x" },
    ];
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
