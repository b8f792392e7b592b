import { describe, expect, it } from "vitest";
import type { ContainerInfo, Engine } from "../engine/engine.js";
import { LogTail, type LogBatch } from "./log-tail.js";

type Follow = { id: string; onLine: (line: string, stream: "stdout" | "stderr") => void; opts: Record<string, unknown>; end: () => void; signal: AbortSignal };

function fakeEngine(follows: Follow[]): Engine {
  return {
    followLogs: (id: string, onLine: Follow["onLine"], signal: AbortSignal, opts: Record<string, unknown>) =>
      new Promise<void>((resolve) => {
        follows.push({ id, onLine, opts, end: resolve, signal });
        signal.addEventListener("abort", () => resolve());
      }),
  } as unknown as Engine;
}

const running = (id: string, service: string, state = "running"): ContainerInfo => ({ id, name: id, project: "p", service, state, health: "none", image: "i", ports: [] });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("log tail", () => {
  it("follows running containers once, with timestamps, and hands lines out in batches", async () => {
    const follows: Follow[] = [];
    const tail = new LogTail({ engine: fakeEngine(follows), everyMs: 10 });
    const batches: LogBatch[] = [];
    tail.subscribe((b) => batches.push(b));
    tail.update([running("c1", "api"), running("c2", "db", "exited")]);
    tail.update([running("c1", "api")]);
    expect(follows.map((f) => [f.id, f.opts.timestamps, f.opts.tail])).toEqual([["c1", true, 200]]);
    follows[0]!.onLine("2026-01-01T00:00:01.000000000Z hello", "stdout");
    follows[0]!.onLine("2026-01-01T00:00:02.000000000Z oops", "stderr");
    await tick(30);
    expect(batches).toEqual([
      {
        lines: [
          { t: "2026-01-01T00:00:01.000000000Z", s: "api", e: "out", m: "hello" },
          { t: "2026-01-01T00:00:02.000000000Z", s: "api", e: "err", m: "oops" },
        ],
        dropped: 0,
      },
    ]);
    expect(tail.history()).toHaveLength(2);
    tail.close();
  });

  it("a burst bigger than a batch keeps the newest lines and says how many were dropped", async () => {
    const follows: Follow[] = [];
    const tail = new LogTail({ engine: fakeEngine(follows), everyMs: 10, maxBatch: 100, keep: 50 });
    const batches: LogBatch[] = [];
    tail.subscribe((b) => batches.push(b));
    tail.update([running("c1", "api")]);
    for (let i = 0; i < 1000; i++) follows[0]!.onLine(`2026-01-01T00:00:01.${String(i).padStart(3, "0")}Z line ${i}`, "stdout");
    await tick(30);
    const lines = batches.flatMap((b) => b.lines);
    expect(lines).toHaveLength(100);
    expect(lines.at(-1)!.m).toBe("line 999");
    expect(batches.reduce((n, b) => n + b.dropped, 0)).toBe(900);
    expect(tail.history()).toHaveLength(50);
    tail.close();
  });

  it("follows a restarted container again from the last line seen, without repeating it", async () => {
    const follows: Follow[] = [];
    const tail = new LogTail({ engine: fakeEngine(follows), everyMs: 10 });
    const batches: LogBatch[] = [];
    tail.subscribe((b) => batches.push(b));
    tail.update([running("c1", "api")]);
    follows[0]!.onLine("2026-01-01T00:00:05.000000000Z before", "stdout");
    follows[0]!.end();
    await tick(5);
    tail.update([running("c1", "api")]);
    expect(follows).toHaveLength(2);
    expect(follows[1]!.opts).toMatchObject({ since: Date.parse("2026-01-01T00:00:05Z") / 1000 });
    follows[1]!.onLine("2026-01-01T00:00:05.000000000Z before", "stdout");
    follows[1]!.onLine("2026-01-01T00:00:06.000000000Z after", "stdout");
    await tick(30);
    expect(batches.flatMap((b) => b.lines.map((l) => l.m))).toEqual(["before", "after"]);
    tail.close();
  });

  it("paused (no page open), it follows nothing; the next update follows on from the last line seen", async () => {
    const follows: Follow[] = [];
    const tail = new LogTail({ engine: fakeEngine(follows), everyMs: 10 });
    tail.update([running("c1", "api")]);
    follows[0]!.onLine("2026-01-01T00:00:07.000000000Z seen", "stdout");
    tail.pause();
    expect(follows[0]!.signal.aborted).toBe(true);
    tail.update([running("c1", "api")]);
    expect(follows).toHaveLength(2);
    expect(follows[1]!.opts).toMatchObject({ since: Date.parse("2026-01-01T00:00:07Z") / 1000 });
    await tick(30);
    expect(tail.history().map((l) => l.m)).toEqual(["seen"]);
    tail.close();
    expect(follows[1]!.signal.aborted).toBe(true);
  });
});
