import { describe, expect, it } from "vitest";
import { StepTimer } from "./step-timer.js";

describe("StepTimer", () => {
  it("each step is the time since the previous mark; the total adds them up", () => {
    const times = [150, 170, 1270];
    const timer = new StepTimer(() => times.shift()!);
    timer.mark("node start");
    timer.mark("sync");
    timer.mark("start");
    expect(timer.summary()).toBe("node start 150 ms, sync 20 ms, start 1100 ms (total 1.3 s)");
  });
});
