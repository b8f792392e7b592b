// The watcher on a 50,000-file tree: time to ready, memory, a 5,000-file burst written while the
// event loop is blocked (nothing may be lost), and idle CPU. Baseline in the same run: a plain
// recursive readdir of the same tree. Targets: ready < 1 s, RSS < 150 MB, 0 lost, idle CPU < 1%.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./stack-fixture.mjs";

const { startWatcher } = await import(fileURLToPath(new URL("../dist/watch/watcher.js", import.meta.url)));
const { DEFAULT_IGNORES } = await import(fileURLToPath(new URL("../dist/watch/default-ignores.js", import.meta.url)));

function makeTree(root, files) {
  for (let i = 0; i < files; i++) {
    const dir = join(root, `pkg${i % 50}`, `mod${i % 500}`);
    if (i < 500) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.py`), "x = 1\n");
  }
}

function walk(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? walk(join(dir, e.name)) : 1;
  return n;
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), "create-stack-watch-bench-"));
  try {
    makeTree(root, 50_000);
    const w0 = performance.now();
    walk(root);
    const walkMs = performance.now() - w0;

    const rss0 = process.memoryUsage().rss;
    const seen = new Set();
    const t0 = performance.now();
    const watcher = await startWatcher({ root, ignore: DEFAULT_IGNORES, onChanges: (changes) => changes.forEach((c) => seen.add(c.path)) });
    const readyMs = performance.now() - t0;
    const rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;

    mkdirSync(join(root, "burst"));
    const busyUntil = performance.now() + 500;
    for (let i = 0; i < 5000; i++) writeFileSync(join(root, "burst", `b${i}.py`), "y = 2\n");
    while (performance.now() < busyUntil) {
      // Keep the event loop blocked, as a busy dev server would.
    }
    const deadline = Date.now() + 10_000;
    const burst = () => [...seen].filter((p) => p.startsWith("burst/b")).length;
    while (burst() < 5000 && Date.now() < deadline) await sleep(50);
    const lost = 5000 - burst();

    await sleep(500);
    const cpu0 = process.cpuUsage();
    const idle0 = performance.now();
    await sleep(5000);
    const cpu = process.cpuUsage(cpu0);
    const idleCpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - idle0)) * 100;
    await watcher.close();
    return [
      { name: `watcher (${watcher.backend}) ready on 50,000 files`, value: readyMs, unit: "ms", target: 1000 },
      { name: "baseline: recursive readdir of the tree", value: walkMs, unit: "ms" },
      { name: "watcher ready / readdir", value: readyMs / walkMs, unit: "x" },
      { name: "watcher RSS increase", value: rssMb, unit: "MB", target: 150 },
      { name: "changes lost of a 5,000-file burst (loop blocked)", value: lost, unit: "files", target: 0 },
      { name: "idle CPU while watching", value: idleCpu, unit: "%", target: 1 },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
