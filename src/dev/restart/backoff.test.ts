import { describe, expect, it } from "vitest";
import { BACKOFF, markStarted, nextBackoff, type BackoffState } from "./backoff.js";

// A real wall clock (Date.now() in 2026): sums and differences of such values are far apart,
// so a test built on it fails if a `-` in the reset check became a `+`.
const T0 = 1_764_126_000_000;

/** Crash, wait the backoff, restart (it comes up), crash again `upMs` later; the waits chosen. */
function crashLoop(rounds: number, upMs: number, state?: BackoffState, start = T0): number[] {
  const delays: number[] = [];
  let now = start;
  for (let i = 0; i < rounds; i++) {
    state = nextBackoff(state, now);
    delays.push(state.delayMs);
    now += state.delayMs;
    state = markStarted(state, now);
    now += upMs;
  }
  return delays;
}

describe("crash backoff", () => {
  it("doubles from 100 ms to a minute while crashes follow restarts closely", () => {
    const delays = crashLoop(14, 2_000);
    expect(delays.slice(0, 6)).toEqual([100, 200, 400, 800, 1_600, 3_200]);
    expect(delays.at(-1)).toBe(BACKOFF.maxMs);
    expect(Math.max(...delays)).toBe(BACKOFF.maxMs);
  });

  it("a crash soon after a restart that followed a save (no crash before) waits 100 ms, then doubles", () => {
    // A file change restarted it: the state is a start time with no delay yet.
    const afterSave = markStarted(undefined, T0);
    expect(afterSave).toEqual({ delayMs: 0, lastStartAt: T0 });
    const delays = crashLoop(5, 1_000, afterSave, T0 + 2_000);
    expect(delays).toEqual([100, 200, 400, 800, 1_600]);
    // 35 restarts in 20 s was the symptom: here the waits alone add up to 3.1 s for five crashes.
    expect(delays.every((d) => d > 0)).toBe(true);
  });

  it("starts over from 100 ms once a run lasted the reset period, and only then", () => {
    let state = markStarted({ delayMs: 6_400 }, T0);
    expect(nextBackoff(state, T0 + BACKOFF.resetAfterMs - 1).delayMs).toBe(12_800);
    expect(nextBackoff(state, T0 + BACKOFF.resetAfterMs).delayMs).toBe(BACKOFF.initialMs);
    state = markStarted({ delayMs: 6_400 }, T0);
    expect(nextBackoff(state, T0 + 3_600_000).delayMs).toBe(BACKOFF.initialMs);
  });

  it("a container crashing right after each start waits 100 ms, then twice as long each time, never more than a minute", () => {
    expect(crashLoop(6, 50)).toEqual([100, 200, 400, 800, 1600, 3200]);
    const delays = crashLoop(14, 50);
    expect(delays.slice(9)).toEqual([51_200, 60_000, 60_000, 60_000, 60_000]);
    expect(Math.max(...delays)).toBe(BACKOFF.maxMs);
  });

  it("a container that stayed up 10 s starts over at 100 ms; one that stayed up less keeps doubling", () => {
    let state = nextBackoff(undefined, T0);
    for (let i = 1; i <= 4; i++) state = nextBackoff(markStarted(state, T0 + i * 1000), T0 + i * 1000 + 10);
    expect(state.delayMs).toBe(1600);
    const started = T0 + 60_000;
    expect(nextBackoff(markStarted(state, started), started + BACKOFF.resetAfterMs - 1).delayMs).toBe(3200);
    expect(nextBackoff(markStarted(state, started), started + BACKOFF.resetAfterMs).delayMs).toBe(BACKOFF.initialMs);
    expect(nextBackoff(markStarted(state, started), started + 3_600_000).delayMs).toBe(BACKOFF.initialMs);
  });

  it("a crash before any recorded start keeps doubling (no reset without a start time)", () => {
    const first = nextBackoff(undefined, T0);
    expect(first).toEqual({ delayMs: 100, lastStartAt: undefined });
    expect(nextBackoff(first, T0 + 3_600_000).delayMs).toBe(200);
  });

  it("remembers when the container last started", () => {
    const state = markStarted({ delayMs: 400 }, T0 + 5);
    expect(state).toEqual({ delayMs: 400, lastStartAt: T0 + 5 });
    expect(nextBackoff(state, T0 + 10).lastStartAt).toBe(T0 + 5);
  });
});
