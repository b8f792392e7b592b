import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BACKOFF, markStarted, nextBackoff } from "./backoff.js";
import { mapChangesToServices, type WatchedService } from "./map-changes.js";
import { createRestartScheduler } from "./restart-scheduler.js";
import type { ServiceChange } from "./map-changes.js";

const services: WatchedService[] = [
  { name: "api", paths: ["services/api", "lib"], rebuildOn: ["services/api/Dockerfile", "services/api/requirements.txt"], reload: false },
  { name: "worker", paths: ["services/api", "lib"], rebuildOn: ["services/api/Dockerfile"], reload: false },
  { name: "api2", paths: ["services/api2"], rebuildOn: [], reload: false },
  { name: "web", paths: ["services/web"], rebuildOn: ["services/web/Dockerfile"], reload: true },
];

describe("mapChangesToServices", () => {
  it("maps by path segments and feeds shared paths to every user", () => {
    const out = mapChangesToServices([{ path: "lib/util.py", kind: "update" }, { path: "services/api2/app.py", kind: "update" }], services);
    expect([...out.keys()].sort()).toEqual(["api", "api2", "worker"]);
    expect(out.get("api")).toEqual({ files: ["lib/util.py"], rebuild: false });
  });

  it("marks manifest changes for a rebuild; self-reloading services only restart for a rebuild", () => {
    const out = mapChangesToServices(
      [{ path: "services/api/requirements.txt", kind: "update" }, { path: "services/web/app.js", kind: "update" }],
      services,
    );
    expect(out.get("api")).toEqual({ files: ["services/api/requirements.txt"], rebuild: true });
    expect(out.get("worker")).toEqual({ files: ["services/api/requirements.txt"], rebuild: false });
    expect(out.has("web")).toBe(false);
    expect(mapChangesToServices([{ path: "services/web/Dockerfile", kind: "update" }], services).get("web")?.rebuild).toBe(true);
  });
});

describe("restart scheduler", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function harness(runMs: number) {
    const runs: { service: string; change: ServiceChange }[] = [];
    const scheduler = createRestartScheduler({
      debounceMs: 30,
      run: async (service, change) => {
        runs.push({ service, change });
        await new Promise((r) => setTimeout(r, runMs));
      },
    });
    return { runs, scheduler };
  }
  const change = (file: string, rebuild = false): ServiceChange => ({ files: [file], rebuild });

  it("a 1,000-file burst is one run per service", async () => {
    const { runs, scheduler } = harness(100);
    for (let i = 0; i < 1000; i++) {
      scheduler.push("api", change(`f${i}`));
      if (i % 100 === 0) await vi.advanceTimersByTimeAsync(5);
    }
    scheduler.push("worker", change("x"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs.map((r) => r.service).sort()).toEqual(["api", "worker"]);
    expect(runs.find((r) => r.service === "api")!.change.files).toHaveLength(1000);
  });

  it("a burst with pauses longer than a save's quiet period is still one run", async () => {
    const { runs, scheduler } = harness(100);
    for (let batch = 0; batch < 5; batch++) {
      for (let i = 0; i < 50; i++) scheduler.push("api", change(`b${batch}-${i}`));
      await vi.advanceTimersByTimeAsync(150);
    }
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(1);
  });

  it("a new folder makes the next files wait for the burst to settle", async () => {
    const { runs, scheduler } = harness(100);
    scheduler.push("api", { files: [], rebuild: false, burst: true });
    scheduler.push("api", change("gen/a.py"));
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toHaveLength(0);
    for (let i = 0; i < 30; i++) scheduler.push("api", change(`gen/${i}.py`));
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.change.files).toHaveLength(31);
  });

  it("one run in flight per service; changes during it cause exactly one more, merged", async () => {
    const { runs, scheduler } = harness(1000);
    scheduler.push("api", change("a"));
    await vi.advanceTimersByTimeAsync(40);
    expect(runs).toHaveLength(1);
    scheduler.push("api", change("b"));
    scheduler.push("api", change("c", true));
    await vi.advanceTimersByTimeAsync(500);
    scheduler.push("api", change("d"));
    await vi.advanceTimersByTimeAsync(600);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.change).toMatchObject({ files: ["b", "c", "d"], rebuild: true });
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(2);
    await scheduler.idle();
  });

  it("an endless stream still restarts within the maximum wait", async () => {
    const { runs, scheduler } = harness(10);
    for (let t = 0; t < 3000; t += 20) {
      scheduler.push("api", change(`t${t}`));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(runs.length).toBeGreaterThanOrEqual(1);
  });
});

describe("crash backoff", () => {
  it("doubles from 100 ms to a minute, and starts over after a stable run", () => {
    let s = nextBackoff(undefined, 0);
    const delays = [s.delayMs];
    for (let i = 0; i < 12; i++) {
      s = nextBackoff(markStarted(s, i * 10), i * 10 + 5);
      delays.push(s.delayMs);
    }
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 1600]);
    expect(Math.max(...delays)).toBe(BACKOFF.maxMs);
    const afterStable = nextBackoff(markStarted(s, 1_000), 1_000 + BACKOFF.resetAfterMs);
    expect(afterStable.delayMs).toBe(100);
  });
});
