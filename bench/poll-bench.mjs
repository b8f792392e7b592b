// The polling fallback (network mounts, WSL2's /mnt, Docker Desktop shares), ours against
// chokidar's polling mode, on the same 20,000-file tree in the same run, both polling once a
// second: time to ready, save -> reported latency, idle CPU and memory. The better one is kept
// (see README, "Written by hand, and why").
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./stack-fixture.mjs";

const { startWatcher } = await import(fileURLToPath(new URL("../dist/watch/watcher.js", import.meta.url)));
const { DEFAULT_IGNORES } = await import(fileURLToPath(new URL("../dist/watch/default-ignores.js", import.meta.url)));
const FILES = 20_000;
const INTERVAL = 1000;

function makeTree(root) {
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `pkg${i % 20}`, `mod${i % 200}`);
    if (i < 200) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.py`), "x = 1\n");
  }
}

async function ours(root, onPath) {
  const w = await startWatcher({ root, ignore: DEFAULT_IGNORES, poll: true, pollIntervalMs: INTERVAL, onChanges: (cs) => cs.forEach((c) => onPath(c.path)) });
  return () => w.close();
}

async function chokidarPolling(root, onPath) {
  const { watch } = await import("chokidar");
  const w = watch(root, { usePolling: true, interval: INTERVAL, binaryInterval: INTERVAL, ignoreInitial: true, ignored: (p) => /\/(\.git|node_modules|__pycache__)(\/|$)/.test(p) });
  w.on("all", (_event, path) => onPath(path.slice(root.length + 1)));
  await new Promise((resolve) => w.once("ready", resolve));
  return () => w.close();
}

async function measure(label, start) {
  const root = mkdtempSync(join(tmpdir(), "create-stack-poll-bench-"));
  try {
    makeTree(root);
    let waiting;
    const onPath = (p) => waiting?.(p);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const stop = await start(root, onPath);
    const readyMs = performance.now() - t0;
    const rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
    const latencies = [];
    for (let i = 0; i < 5; i++) {
      const file = `pkg${i}/mod${i}/f${i}.py`;
      const seen = new Promise((resolve) => (waiting = (p) => p === file && resolve()));
      const s0 = performance.now();
      writeFileSync(join(root, file), `x = ${i + 2}\n`);
      await Promise.race([seen, sleep(10_000)]);
      latencies.push(performance.now() - s0);
      await sleep(300);
    }
    waiting = undefined;
    const cpu0 = process.cpuUsage();
    const idle0 = performance.now();
    await sleep(5000);
    const cpu = process.cpuUsage(cpu0);
    const idleCpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - idle0)) * 100;
    await stop();
    latencies.sort((a, b) => a - b);
    return { label, readyMs, rssMb, latencyMs: latencies[2], idleCpu };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function run() {
  const a = await measure("ours", ours);
  const b = await measure("chokidar", chokidarPolling);
  return [
    { name: `polling, ${FILES} files: ours, ready`, value: a.readyMs, unit: "ms" },
    { name: "polling: chokidar usePolling, ready (baseline)", value: b.readyMs, unit: "ms" },
    { name: "polling: ours, save -> reported (median of 5)", value: a.latencyMs, unit: "ms" },
    { name: "polling: chokidar, save -> reported (median of 5)", value: b.latencyMs, unit: "ms" },
    { name: "polling: ours, idle CPU", value: a.idleCpu, unit: "%" },
    { name: "polling: chokidar, idle CPU", value: b.idleCpu, unit: "%" },
    { name: "polling: idle CPU ours / chokidar", value: a.idleCpu / b.idleCpu, unit: "x", target: 1 },
    { name: "polling: ours, RSS increase", value: a.rssMb, unit: "MB" },
    { name: "polling: chokidar, RSS increase", value: b.rssMb, unit: "MB" },
  ];
}
