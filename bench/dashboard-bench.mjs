// The dashboard page in Debian's chromium (playwright-core): the real page from ui/, fed through
// its push channel by a stand-in server that speaks the same protocol (snapshot, deltas, log
// batches), so the page's own cost is measured without a stack's noise.
// - first paint, cold (fresh profile), of 100 services; baseline: an empty page on the same server;
// - 10,000 log lines/s for 10 s: input latency (key press to the next frame, measured in the page)
//   and the longest frame; baseline: the same keys with no stream;
// - 100 services all changing twice a second for 10 s: frame intervals (requestAnimationFrame) and
//   long tasks (PerformanceObserver); baseline: the same page with the same 100 services idle
//   for as long. Dropped frames: an interval of D ms between two frames stands for
//   round(D / 16.7) - 1 frames the screen did not get (33 ms: one; 17-24 ms is jitter, none).
//   Then 4 s each of the page's main-thread time (chromium's trace, thread time: what the load of
//   other processes hardly changes), changing and idle. Afterwards all 100 rows must be in the
//   page and show the last delta (the run fails if not).
// Targets: first paint < 300 ms; input latency p95 < 100 ms under the stream; no dropped frame
// under the churn.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardStandIn, manyService } from "../test/support/dashboard-stand-in.mjs";

const UI = fileURLToPath(new URL("../ui/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SERVICES = 100;
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 5);
// BENCH_DASHBOARD_CASES=churn measures only the 100 changing services (paint, stream, churn).
const CASES = new Set((process.env.BENCH_DASHBOARD_CASES ?? "paint,stream,churn").split(","));

/** Types keys into the filter box every 200 ms for `ms`; latency per key = next frame after the keydown minus the event's time. */
async function keyLatencies(page, ms) {
  await page.evaluate(() => {
    window.__lat = [];
    document.querySelector("#filter").addEventListener("keydown", (e) => {
      const t = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t), 0));
    });
  });
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await page.focus("#filter");
    await page.keyboard.press("x");
    await page.keyboard.press("Backspace");
    await new Promise((r) => setTimeout(r, 200));
  }
  return page.evaluate(() => window.__lat);
}

async function longestFrame(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let last = performance.now();
        let worst = 0;
        const end = last + ms;
        const tick = (now) => {
          worst = Math.max(worst, now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(worst);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

const FRAME_MS = 1000 / 60;

/** Frame intervals for `ms` (requestAnimationFrame) and the long tasks meanwhile (PerformanceObserver 'longtask'). */
async function frames(page, ms) {
  const r = await page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const long = [];
        const obs = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
        obs.observe({ type: "longtask" });
        const intervals = [];
        let last;
        const end = performance.now() + ms;
        const tick = (now) => {
          if (last !== undefined) intervals.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else {
            obs.disconnect();
            resolve({ intervals, long });
          }
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
  const dropped = r.intervals.reduce((n, d) => n + Math.max(0, Math.round(d / FRAME_MS) - 1), 0);
  return { frames: r.intervals.length, dropped, longest: Math.max(...r.intervals), p95: p95(r.intervals), longTasks: r.long.length, longestTask: Math.max(0, ...r.long) };
}

/**
 * The page's main-thread time for `ms` (script, style, layout, paint; chromium's trace, thread
 * time): unlike frame intervals, barely stretched by other processes on a loaded machine.
 */
async function mainThreadMs(ctx, page, ms) {
  const cdp = await ctx.newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
  const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  await page.waitForTimeout(ms);
  await cdp.send("Tracing.end");
  await done;
  await cdp.detach();
  const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}/${e.tid}`));
  const WORK = new Set(["FunctionCall", "EventDispatch", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit"]);
  return events.filter((e) => e.ph === "X" && WORK.has(e.name) && main.has(`${e.pid}/${e.tid}`)).reduce((t, e) => t + (e.tdur ?? 0), 0) / 1000;
}

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

export async function run() {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (bash test/browser-tools.sh installs it)`);
  const { chromium } = await import("playwright-core");
  const standIn = dashboardStandIn({ project: "bench", count: SERVICES });
  const { send } = standIn;
  const base = (await standIn.listen()).replace(/\/$/, "");
  const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
  const rows = [];
  const firstPaint = async (path, selector) => {
    // Cold: a fresh profile each time (no cache), a new browser.
    const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "cs-bench-chromium-")), { executablePath: CHROMIUM, headless: true, args });
    try {
      const page = await ctx.newPage();
      // When the content first is in the page, timed in the page (the next frame after it was
      // inserted): playwright's own polling and round trips are not the page's cost.
      await page.addInitScript((sel) => {
        document.addEventListener("DOMContentLoaded", () => {
          const seen = () => {
            if (window.__contentAt || !document.querySelector(sel)) return;
            window.__contentAt = -1;
            requestAnimationFrame(() => (window.__contentAt = performance.now()));
          };
          seen();
          new MutationObserver(seen).observe(document.body, { childList: true, subtree: true });
        });
      }, selector);
      await page.goto(base + path);
      await page.waitForSelector(selector);
      await page.waitForFunction(() => window.__contentAt > 0);
      return await page.evaluate(() => ({ fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN, content: window.__contentAt }));
    } finally {
      await ctx.close();
    }
  };
  try {
    // Interleaved runs, medians: the machine's load swings between them.
    if (CASES.has("paint")) {
      const blank = [];
      const dash = [];
      for (let i = 0; i < RUNS; i++) {
        blank.push(await firstPaint("/blank", "p"));
        dash.push(await firstPaint("/", "#services tr[data-service]"));
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      rows.push({ name: "first paint, blank page (baseline)", value: median(blank.map((r) => r.fcp)), unit: "ms" });
      rows.push({ name: `first paint, dashboard with ${SERVICES} services`, value: median(dash.map((r) => r.fcp)), unit: "ms", target: 300 });
      rows.push({ name: `${SERVICES} services on screen (navigation to the frame after they are in the page)`, value: median(dash.map((r) => r.content)), unit: "ms" });
    }

    const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "cs-bench-chromium-")), { executablePath: CHROMIUM, headless: true, args, viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(base + "/");
    await page.waitForSelector("#services tr[data-service]");
    if (CASES.has("stream")) {
      const quiet = await keyLatencies(page, 3000);
      rows.push({ name: "input latency p95, no stream (baseline)", value: p95(quiet), unit: "ms" });

      // 10,000 lines a second from 100 services, in batches of 1,000 every 100 ms, for 10 s.
      let n = 0;
      const stream = setInterval(() => {
        const t = new Date().toISOString();
        const lines = Array.from({ length: 1000 }, () => ({ t, s: `svc-${String(n % SERVICES).padStart(3, "0")}`, e: n % 17 ? "out" : "err", m: `GET /api/items/${n++} 200 ${n % 50 ? "INFO" : "WARNING"} request handled in 3 ms` }));
        send("logs", { lines, dropped: 0 });
      }, 100);
      const [loaded, frame] = await Promise.all([keyLatencies(page, 10_000), longestFrame(page, 10_000)]);
      clearInterval(stream);
      rows.push({ name: "input latency p95, 10,000 lines/s", value: p95(loaded), unit: "ms", target: 100 });
      rows.push({ name: "input latency max, 10,000 lines/s", value: Math.max(...loaded), unit: "ms" });
      rows.push({ name: "longest frame, 10,000 lines/s", value: frame, unit: "ms" });
      rows.push({ name: "log rows in the page after 100,000 lines", value: await page.evaluate(() => document.querySelectorAll("#logs div:not(.spacer)").length), unit: "rows" });
    }

    if (CASES.has("churn")) {
      // Every service changes twice a second, against the same page idle as long.
      const CHURN_MS = Number(process.env.BENCH_CHURN_MS ?? 10_000);
      await page.fill("#filter", "");
      await page.waitForTimeout(1000);
      const idle = await frames(page, CHURN_MS);
      let tick = 0;
      const churn = setInterval(() => {
        tick++;
        send("delta", { services: Array.from({ length: SERVICES }, (_, i) => manyService(i, tick)) });
      }, 500);
      const busy = await frames(page, CHURN_MS);
      const TRACE_MS = 4000;
      const busyCpu = await mainThreadMs(ctx, page, TRACE_MS);
      clearInterval(churn);
      await page.waitForTimeout(600);
      const idleCpu = await mainThreadMs(ctx, page, TRACE_MS);
      const last = tick;
      await page.waitForTimeout(300);
      const updated = await page.$$eval("#services tr[data-service] td.restarts", (tds, last) => tds.filter((td) => td.textContent === String(last)).length, last);
      const present = await page.$$eval("#services tr[data-service]", (trs) => trs.length);
      if (present !== SERVICES || updated !== SERVICES) throw new Error(`after the churn: ${present} rows in the page, ${updated} showing the last delta (expected ${SERVICES} and ${SERVICES})`);
      const label = `${SERVICES} services changing 2x/s for ${CHURN_MS / 1000} s`;
      const still = `${SERVICES} services idle (baseline)`;
      rows.push({ name: `frames, ${still}`, value: idle.frames, unit: "" });
      rows.push({ name: `frames, ${label}`, value: busy.frames, unit: "" });
      rows.push({ name: `dropped frames, ${still}`, value: idle.dropped, unit: "" });
      rows.push({ name: `dropped frames, ${label}`, value: busy.dropped, unit: "", target: 0 });
      rows.push({ name: `p95 frame interval, ${still}`, value: idle.p95, unit: "ms" });
      rows.push({ name: `p95 frame interval, ${label}`, value: busy.p95, unit: "ms" });
      rows.push({ name: `longest frame interval, ${still}`, value: idle.longest, unit: "ms" });
      rows.push({ name: `longest frame interval, ${label}`, value: busy.longest, unit: "ms" });
      rows.push({ name: `long tasks (> 50 ms), ${still}`, value: idle.longTasks, unit: "" });
      rows.push({ name: `long tasks (> 50 ms), ${label}`, value: busy.longTasks, unit: "" });
      rows.push({ name: `main-thread time per second (trace), ${still}`, value: idleCpu / (TRACE_MS / 1000), unit: "ms" });
      rows.push({ name: `main-thread time per second (trace), ${label.replace(/ for .*/, "")}`, value: busyCpu / (TRACE_MS / 1000), unit: "ms" });
      rows.push({ name: `rows showing the last delta, ${label}`, value: updated, unit: "rows" });
      rows.push({ name: "load average (1 min) after the churn", value: loadavg()[0], unit: "load" });
    }
    await ctx.close();
    const size = ["dashboard.html", "dashboard.js", "service-rows.js", "dashboard.css"].reduce((s, f) => s + readFileSync(join(UI, f)).length, 0);
    rows.push({ name: "page size (html + both scripts + css, uncompressed)", value: size / 1024, unit: "KiB" });
  } finally {
    standIn.close();
  }
  return rows;
}
