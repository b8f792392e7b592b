import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRestartScheduler } from "./restart-scheduler.js";

describe("restart scheduler: waiting on a push", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("resolves when the run that includes the change ends: true when it came up, false when not", async () => {
    const outcomes = [true, false];
    const runs: string[][] = [];
    const scheduler = createRestartScheduler({
      debounceMs: 30,
      run: async (_service, change) => {
        runs.push(change.files);
        await new Promise((r) => setTimeout(r, 1_000));
        return outcomes.shift();
      },
    });
    const settled: (boolean | string)[] = [];
    const first = scheduler.push("postgres", { files: ["a"], rebuild: false }).then((ok) => settled.push(`first ${ok}`));
    await vi.advanceTimersByTimeAsync(40);
    // Arrives during the run: merged into exactly one more run, and resolved by that one.
    const second = scheduler.push("postgres", { files: ["b"], rebuild: false }).then((ok) => settled.push(`second ${ok}`));
    const third = scheduler.push("postgres", { files: ["c"], rebuild: false }).then((ok) => settled.push(`third ${ok}`));
    // The first run started after 30 ms of quiet and takes a second.
    await vi.advanceTimersByTimeAsync(980);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toEqual(["first true"]);
    await vi.advanceTimersByTimeAsync(1_100);
    await Promise.all([first, second, third]);
    expect(settled).toEqual(["first true", "second false", "third false"]);
    expect(runs).toEqual([["a"], ["b", "c"]]);
  });

  it("a push that never runs (the scheduler closed) resolves false", async () => {
    const scheduler = createRestartScheduler({ debounceMs: 30, run: async () => true });
    const pending = scheduler.push("api", { files: ["x"], rebuild: false });
    scheduler.close();
    expect(await pending).toBe(false);
    expect(await scheduler.push("api", { files: ["y"], rebuild: false })).toBe(false);
  });
});
