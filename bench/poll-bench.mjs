// The polling fallback (network mounts, WSL2's /mnt, Docker Desktop shares): what `dev up --poll`
// runs (src/watch/poll-watcher.ts) against chokidar's polling mode, the usual library for it, on
// the same 20,000-file tree in the same run, both once a second: time to ready, save -> reported
// latency, idle CPU and memory. The figures decided which one ships (README, design notes).
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

async function shipped(root, onPath) {
  const w = await startWatcher({ root, ignore: DEFAULT_IGNORES, poll: true, pollIntervalMs: INTERVAL, onChanges: (cs) => cs.forEach((c) => onPath(c.path)) });
  return () => w.close();
}

/** The library baseline: chokidar's polling mode (a stat watcher per file). */
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
  const a = await measure("shipped", shipped);
  const b = await measure("chokidar", chokidarPolling);
  return [
    { name: `polling ${FILES} files: dev up --poll, ready`, value: a.readyMs, unit: "ms" },
    { name: "polling: baseline chokidar usePolling, ready", value: b.readyMs, unit: "ms" },
    { name: "polling: dev up --poll, save -> reported (median of 5)", value: a.latencyMs, unit: "ms" },
    { name: "polling: chokidar, save -> reported (median of 5)", value: b.latencyMs, unit: "ms" },
    { name: "polling: save -> reported, dev up --poll / chokidar", value: a.latencyMs / b.latencyMs, unit: "x" },
    { name: "polling: dev up --poll, idle CPU", value: a.idleCpu, unit: "%" },
    { name: "polling: chokidar, idle CPU", value: b.idleCpu, unit: "%" },
    { name: "polling: idle CPU, dev up --poll / chokidar", value: a.idleCpu / b.idleCpu, unit: "x", target: 1 },
    { name: "polling: ready, dev up --poll / chokidar", value: a.readyMs / b.readyMs, unit: "x", target: 1 },
    { name: "polling: dev up --poll, RSS increase", value: a.rssMb, unit: "MB" },
    { name: "polling: chokidar, RSS increase", value: b.rssMb, unit: "MB" },
    { name: "polling: RSS, dev up --poll / chokidar", value: a.rssMb / b.rssMb, unit: "x", target: 1 },
  ];
}
