import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { EngineEvent } from "../engine/engine.js";
import { claimDevUp, readDevUp } from "./dev-up-record.js";
import { StackPresence } from "./stack-presence.js";
import { markStarted, markStopped, readStoppedServices } from "./stopped-services.js";

const ev = (action: string): EngineEvent => ({ action, containerId: "c1", project: "p", service: "api", time: 0 });

describe("dev-up record", () => {
  it("a second claim names the running pid and exits 2; release frees it", async () => {
    const root = await mkdtemp(join(tmpdir(), "cs-devup-"));
    // Another live process holds the record.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    await mkdir(join(root, ".create-stack"));
    await writeFile(join(root, ".create-stack/dev-up.json"), JSON.stringify({ pid: other.pid, startedAt: "then", services: [] }));
    try {
      await expect(claimDevUp(root, [])).rejects.toMatchObject({ code: "E_ALREADY_UP", exitCode: 2, message: expect.stringContaining(`pid ${other.pid}`) });
    } finally {
      other.kill();
    }
    await new Promise((r) => other.on("exit", r));
    // The holder is gone: the stale record is taken over.
    const release = await claimDevUp(root, ["api"]);
    expect((await readDevUp(root))?.pid).toBe(process.pid);
    release();
    expect(await readDevUp(root)).toBeUndefined();
  });
});

describe("stopped services", () => {
  it("dev stop records, dev start clears", async () => {
    const root = await mkdtemp(join(tmpdir(), "cs-stopped-"));
    await markStopped(root, ["api", "worker"]);
    expect([...(await readStoppedServices(root))]).toEqual(["api", "worker"]);
    await markStarted(root, ["api"]);
    expect([...(await readStoppedServices(root))]).toEqual(["worker"]);
    await markStarted(root, "all");
    expect(JSON.parse(await readFile(join(root, ".create-stack/stopped.json"), "utf8"))).toEqual({ services: [] });
  });
});

describe("stack presence", () => {
  it("reports the stack gone once nothing runs after stops settle; a restart in between cancels", async () => {
    vi.useFakeTimers();
    try {
      let running = 2;
      const onGone = vi.fn();
      const p = new StackPresence({ countRunning: async () => running, busy: () => false, onGone, settleMs: 100 });
      p.onEvent(ev("stop"));
      p.onEvent(ev("start"));
      await vi.advanceTimersByTimeAsync(200);
      expect(onGone).not.toHaveBeenCalled();
      p.onEvent(ev("stop"));
      await vi.advanceTimersByTimeAsync(200);
      expect(onGone).not.toHaveBeenCalled(); // something still runs
      running = 0;
      p.onEvent(ev("destroy"));
      await vi.advanceTimersByTimeAsync(200);
      expect(onGone).toHaveBeenCalledTimes(1);
      p.onEvent(ev("stop"));
      await vi.advanceTimersByTimeAsync(200);
      expect(onGone).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("waits while the watcher itself is restarting", async () => {
    vi.useFakeTimers();
    try {
      let busy = true;
      const onGone = vi.fn();
      const p = new StackPresence({ countRunning: async () => 0, busy: () => busy, onGone, settleMs: 100 });
      p.onEvent(ev("stop"));
      await vi.advanceTimersByTimeAsync(500);
      expect(onGone).not.toHaveBeenCalled();
      busy = false;
      await vi.advanceTimersByTimeAsync(200);
      expect(onGone).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
