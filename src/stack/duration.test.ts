import { describe, expect, it } from "vitest";
import { durationSeconds } from "./duration.js";

describe("compose durations as the seconds a stop may take", () => {
  it("adds up every unit and rounds up: a stop window is never cut short", () => {
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("2h")).toBe(7200);
    expect(durationSeconds("1h1m1s")).toBe(3661);
    expect(durationSeconds("1.5s")).toBe(2);
    expect(durationSeconds("500ms")).toBe(1);
    expect(durationSeconds("1500ms")).toBe(2);
    expect(durationSeconds("3s")).toBe(3);
  });

  it("no duration is none, not zero", () => {
    expect(durationSeconds(undefined)).toBeUndefined();
    expect(durationSeconds("")).toBeUndefined();
  });
});
