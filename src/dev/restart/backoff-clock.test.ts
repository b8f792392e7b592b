import { describe, expect, it } from "vitest";
import { BACKOFF, markStarted, nextBackoff, type BackoffState } from "./backoff.js";

// Realistic wall-clock values (Date.now() in late 2025): with small numbers, `a - b` and `a + b`
// can land on the same side of the reset threshold and a broken formula goes unnoticed.
const T0 = 1_764_000_000_000;

/** A container that crashes `upMs` after every start; returns the delays the monitor would wait. */
function crashLoop(upMs: number, crashes: number): number[] {
  let state: BackoffState | undefined;
  let now = T0;
  const delays: number[] = [];
  for (let i = 0; i < crashes; i++) {
    state = nextBackoff(state, now);
    delays.push(state.delayMs);
    now += state.delayMs;
    state = markStarted(state, now);
    now += upMs;
  }
  return delays;
}

describe("crash backoff", () => {
  it("a container crashing right after each start waits 100 ms, then twice as long each time", () => {
    expect(crashLoop(50, 6)).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  it("never waits more than a minute", () => {
    const delays = crashLoop(50, 14);
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
