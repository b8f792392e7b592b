import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServiceChange } from "./map-changes.js";
import { createRestartScheduler } from "./restart-scheduler.js";

beforeEach(() => vi.useFakeTimers({ now: 1_764_000_000_000 }));
afterEach(() => vi.useRealTimers());

function harness(opts: { runMs?: number; burstDebounceMs?: number; burstFiles?: number } = {}) {
  const runs: { service: string; change: ServiceChange; at: number }[] = [];
  const start = Date.now();
  const scheduler = createRestartScheduler({
    debounceMs: 30,
    burstDebounceMs: opts.burstDebounceMs,
    burstFiles: opts.burstFiles,
    run: async (service, change) => {
      runs.push({ service, change, at: Date.now() - start });
      await new Promise((r) => setTimeout(r, opts.runMs ?? 100));
    },
  });
  return { runs, scheduler };
}
const save = (...files: string[]): ServiceChange => ({ files, rebuild: false });

describe("restart scheduler", () => {
  it("several saves in a row are one restart after the quiet period, without a rebuild", async () => {
    const { runs, scheduler } = harness();
    scheduler.push("api", save("a.py"));
    await vi.advanceTimersByTimeAsync(10);
    scheduler.push("api", save("b.py"));
    scheduler.push("api", save("a.py"));
    await vi.advanceTimersByTimeAsync(29);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(runs).toMatchObject([{ service: "api", change: { files: ["a.py", "b.py"], rebuild: false }, at: 40 }]);
    expect(runs).toHaveLength(1);
  });

  it("a rebuild asked by any merged change is kept, in whichever order it came", async () => {
    const { runs, scheduler } = harness();
    scheduler.push("api", { files: ["requirements.txt"], rebuild: true });
    scheduler.push("api", save("a.py"));
    scheduler.push("web", save("x.js"));
    scheduler.push("web", { files: ["Dockerfile"], rebuild: true });
    await vi.advanceTimersByTimeAsync(50);
    expect(runs.map((r) => [r.service, r.change.rebuild])).toEqual([["api", true], ["web", true]]);
  });

  it("up to burstFiles pending files wait the short quiet period; one more waits the burst period", async () => {
    const few = harness({ burstFiles: 3, burstDebounceMs: 400 });
    few.scheduler.push("api", save("1", "2", "3"));
    await vi.advanceTimersByTimeAsync(31);
    expect(few.runs).toHaveLength(1);

    const many = harness({ burstFiles: 3, burstDebounceMs: 400 });
    many.scheduler.push("api", save("1", "2", "3", "4"));
    await vi.advanceTimersByTimeAsync(399);
    expect(many.runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(many.runs).toHaveLength(1);
  });

  it("a burst flag is not invented by merging ordinary saves", async () => {
    const { runs, scheduler } = harness({ burstDebounceMs: 400 });
    scheduler.push("api", save("a.py"));
    scheduler.push("api", save("b.py"));
    await vi.advanceTimersByTimeAsync(31);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.change.burst).toBeFalsy();
  });

  it("an endless stream restarts once the maximum wait (5 burst periods by default) is over, not before", async () => {
    const { runs, scheduler } = harness({ burstDebounceMs: 1000, runMs: 10 });
    for (let t = 0; t < 4900; t += 20) {
      scheduler.push("api", save(`t${t}`));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(runs).toHaveLength(0);
    for (let t = 4900; t < 5200; t += 20) {
      scheduler.push("api", save(`t${t}`));
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]!.at).toBe(5000);
  });

  it("idle() waits for pending and running restarts, and resolves at once when there are none", async () => {
    const { scheduler } = harness({ runMs: 500 });
    let idle = false;
    await scheduler.idle();
    scheduler.push("api", save("a.py"));
    scheduler.push("web", save("b.js"));
    void scheduler.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(idle).toBe(true);
  });

  it("a failed restart does not stop the next one", async () => {
    const runs: string[] = [];
    const scheduler = createRestartScheduler({
      debounceMs: 30,
      run: async (service, change) => {
        runs.push(change.files.join(","));
        if (runs.length === 1) throw new Error("engine said no");
      },
    });
    scheduler.push("api", save("a.py"));
    await vi.advanceTimersByTimeAsync(50);
    scheduler.push("api", save("b.py"));
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toEqual(["a.py", "b.py"]);
    await scheduler.idle();
  });

  it("after close() nothing pending runs and new changes are dropped", async () => {
    const { runs, scheduler } = harness();
    scheduler.push("api", save("a.py"));
    scheduler.close();
    scheduler.push("web", save("b.js"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(0);
  });

  it("idle() resolves after close() even when changes came after it", async () => {
    const { scheduler } = harness();
    scheduler.close();
    scheduler.push("api", save("a.py"));
    let idle = false;
    void scheduler.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(idle).toBe(true);
  });

  it("a change arriving during a run after close() does not start another run", async () => {
    const { runs, scheduler } = harness({ runMs: 500 });
    scheduler.push("api", save("a.py"));
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toHaveLength(1);
    scheduler.push("api", save("b.py"));
    scheduler.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(1);
  });

  it("a crash merged with a save is reported as the save (the files are the news); two crashes keep the first cause", async () => {
    const { runs, scheduler } = harness();
    scheduler.push("api", { files: [], rebuild: false, cause: "crash" });
    scheduler.push("api", save("a.py"));
    scheduler.push("web", { files: [], rebuild: false, cause: "outside" });
    scheduler.push("web", { files: [], rebuild: false, cause: "crash" });
    scheduler.push("db", save("x.sql"));
    scheduler.push("db", { files: [], rebuild: false, cause: "crash" });
    await vi.advanceTimersByTimeAsync(50);
    const change = (service: string) => runs.find((r) => r.service === service)!.change;
    expect(change("api").cause).toBeUndefined();
    expect(change("api").files).toEqual(["a.py"]);
    expect(change("web").cause).toBe("outside");
    expect(change("db").cause).toBeUndefined();
  });

  it("a recovery's quiet restart stays quiet only while every merged change is quiet", async () => {
    const { runs, scheduler } = harness();
    const quiet: ServiceChange = { files: [], rebuild: false, cause: "engine", quiet: true };
    scheduler.push("api", quiet);
    scheduler.push("api", { ...quiet });
    scheduler.push("web", quiet);
    scheduler.push("web", save("x.js"));
    await vi.advanceTimersByTimeAsync(50);
    expect(runs.find((r) => r.service === "api")!.change.quiet).toBe(true);
    expect(runs.find((r) => r.service === "web")!.change.quiet).toBeFalsy();
  });

  it("a run that throws tells its callers it failed, as one that returns false does", async () => {
    const outcomes: boolean[] = [];
    const scheduler = createRestartScheduler({
      debounceMs: 10,
      run: async (service) => {
        if (service === "api") throw new Error("no container");
        return service !== "web";
      },
    });
    const api = scheduler.push("api", save("a.py")).then((ok) => outcomes.push(ok));
    const web = scheduler.push("web", save("x.js"));
    const db = scheduler.push("db", save("x.sql"));
    await vi.advanceTimersByTimeAsync(20);
    await api;
    expect(outcomes).toEqual([false]);
    expect(await web).toBe(false);
    expect(await db).toBe(true);
  });

  it("closed, it starts nothing more; idle() waits for the run in flight (a stop after it finds the service stopped)", async () => {
    const { runs, scheduler } = harness({ runMs: 1000 });
    scheduler.push("api", save("a.py"));
    await vi.advanceTimersByTimeAsync(31);
    expect(runs).toHaveLength(1);
    const queued = scheduler.push("api", save("b.py"));
    scheduler.push("web", save("c.js"));
    scheduler.close();
    expect(await queued).toBe(false);
    let idle = false;
    void scheduler.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    expect(idle).toBe(true);
    expect(runs.map((r) => r.service)).toEqual(["api"]);
  });
});
