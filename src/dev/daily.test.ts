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

describe("dev status rows", () => {
  it("shows the exit code of a stopped service, restarts and uptime of a running one", async () => {
    const { formatTable, serviceRows, formatDuration } = await import("./service-table.js");
    const project = { services: [{ name: "api", route: "/api" }] } as unknown as Parameters<typeof serviceRows>[0];
    const now = Date.parse("2026-01-01T00:10:00Z");
    const base = { image: "x", project: "p", ports: [], health: "none" as const };
    const rows = serviceRows(
      project,
      [
        { ...base, id: "1", name: "p-api-1", service: "api", state: "running", startedAt: "2026-01-01T00:06:48Z", restartCount: 1 },
        { ...base, id: "2", name: "p-worker-1", service: "worker", state: "exited", exitCode: 3, startedAt: "2026-01-01T00:00:00Z" },
      ],
      new Map([["PROXY_PORT", "8080"]]),
      { api: 2 },
      now,
    );
    expect(rows[0]).toMatchObject({ service: "api", restarts: 3, uptimeSeconds: 192, url: "http://127.0.0.1:8080/api" });
    expect(rows[1]).toMatchObject({ service: "worker", exitCode: 3, restarts: 0, uptimeSeconds: undefined });
    const table = formatTable(rows);
    expect(table).toMatch(/^SERVICE +STATE +HEALTH +UP +RESTARTS/);
    expect(table).toMatch(/api +running +- +3m 12s +3 /);
    expect(table).toMatch(/worker +exited \(3\) +- +- +0/);
    expect(formatDuration(42)).toBe("42 s");
    // Stopped with dev stop: said so, and Docker's last health verdict is not shown as current.
    const stopped = serviceRows(project, [{ ...base, id: "3", name: "p-api-1", service: "api", state: "exited", exitCode: 137, health: "unhealthy" }], new Map(), undefined, now, new Set(["api"]));
    expect(stopped[0]).toMatchObject({ state: "exited", stoppedOnPurpose: true, health: "-", exitCode: undefined });
    expect(formatTable(stopped)).toMatch(/api +stopped \(dev stop\) +- /);
    const crashed = serviceRows(project, [{ ...base, id: "4", name: "p-api-1", service: "api", state: "exited", exitCode: 1, health: "unhealthy" }], new Map(), undefined, now);
    expect(crashed[0]).toMatchObject({ state: "exited", health: "-", exitCode: 1 });
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe("2h 5m");
  });
});

describe("crash reports", () => {
  it("show the crashed run's lines once, then say the output is the same", async () => {
    const { CrashMonitor } = await import("./crash-monitor.js");
    const sinces: (number | string | undefined)[] = [];
    const engine = {
      ping: async () => undefined,
      inspect: async () => ({ startedAt: "2026-01-01T00:00:10Z" }),
      logs: async (_id: string, o: { since?: number | string }) => (sinces.push(o.since), ["Traceback", "NameError: x"]),
      listContainers: async () => [],
    };
    const lines: string[] = [];
    const monitor = new CrashMonitor({ engine: engine as never, project: "p", log: (l) => lines.push(l), restart: () => undefined, watches: () => true });
    try {
      monitor.onEvent({ action: "die", containerId: "c1", project: "p", service: "api", exitCode: 1, time: 0 });
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      monitor.onEvent({ action: "die", containerId: "c1", project: "p", service: "api", exitCode: 1, time: 0 });
      await vi.waitFor(() => expect(lines).toHaveLength(2));
    } finally {
      monitor.close();
    }
    expect(lines[0]).toMatch(/api crashed: exited with code 1.*Last lines:\n  api \| Traceback\n  api \| NameError: x$/s);
    expect(lines[1]).toMatch(/api crashed: exited with code 1; restarting in .*; same output as before$/);
    expect(sinces).toEqual([Date.parse("2026-01-01T00:00:10Z") / 1000, Date.parse("2026-01-01T00:00:10Z") / 1000]);
  });
});
