import { describe, expect, it } from "vitest";
import { mergeByTime, parseTimestamped } from "./log-lines.js";

describe("log lines", () => {
  it("pads Docker's trimmed nanoseconds so keys sort in time order", () => {
    const a = parseTimestamped("2026-01-02T03:04:05.12345Z later");
    const b = parseTimestamped("2026-01-02T03:04:05.1234Z earlier");
    expect(b.key < a.key).toBe(true);
    expect(a.text).toBe("later");
    expect(parseTimestamped("2026-01-02T03:04:05Z whole second").key).toBe("2026-01-02T03:04:05.000000000");
    expect(parseTimestamped("no stamp")).toEqual({ key: "", text: "no stamp" });
  });

  it("interleaves services by time, keeping each service's order on ties", () => {
    const api = ["2026-01-02T03:04:05.1Z api 1", "2026-01-02T03:04:07Z api 2"].map((l) => ({ ...parseTimestamped(l), s: "api" }));
    const db = ["2026-01-02T03:04:06Z db 1", "2026-01-02T03:04:07Z db 2"].map((l) => ({ ...parseTimestamped(l), s: "db" }));
    expect(mergeByTime([api, db]).map((l) => l.text)).toEqual(["api 1", "db 1", "api 2", "db 2"]);
  });
});
