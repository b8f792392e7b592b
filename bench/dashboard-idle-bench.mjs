// dev up's own CPU while it watches a running stack, idle (nothing saved, nothing logged beyond the
// healthchecks): with no page open (the baseline), then with the dashboard open in Debian's
// chromium. Read from /proc (user + system time of the dev up process) over the same length of
// time. Target: with the page open, under 1% of one core.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV, destroy, scaffold, sleep } from "./stack-fixture.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WINDOW_MS = Number(process.env.BENCH_IDLE_MS ?? 20_000);
const TICKS = 100; // USER_HZ on Linux
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function cpuPercent(pid) {
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  await sleep(WINDOW_MS);
  return (((cpuTicks(pid) - t0) / TICKS) * 1000 * 100) / (performance.now() - w0);
}

export async function run() {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (bash test/browser-tools.sh installs it)`);
  const { chromium } = await import("playwright-core");
  const fixture = scaffold(`cs-bench-dash-${process.pid}`, ["--preset", "python-http", "--proxy", "nginx"]);
  const child = spawn("node", [DEV, "up"], { cwd: fixture.root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  let browser;
  try {
    const deadline = Date.now() + 300_000;
    while (!/^watching /m.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`dev up did not start:\n${out}`);
      await sleep(200);
    }
    const url = /^dashboard: (\S+)$/m.exec(out)[1];
    await sleep(SETTLE_MS);
    const without = await cpuPercent(child.pid);
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "cs-bench-chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector("#services tr[data-service]");
    // Settled first: on connecting, the page gets the last 200 lines of every container (seconds
    // of work on a loaded machine), which is the page loading, not idle.
    await sleep(SETTLE_MS);
    const withPage = await cpuPercent(child.pid);
    return [
      { name: "dev up CPU, idle, no page open (baseline)", value: without, unit: "%" },
      { name: "dev up CPU, idle, dashboard open", value: withPage, unit: "%", target: 1 },
    ];
  } finally {
    await browser?.close();
    child.kill("SIGINT");
    await new Promise((r) => child.once("close", r));
    destroy(fixture);
  }
}
