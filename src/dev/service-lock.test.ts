import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { servicesToLock } from "./service-actions.js";
import { withServiceLocks } from "./service-lock.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("one operation at a time per service", () => {
  it("a second operation on the same service waits for the first, and says for what", async () => {
    const root = mkdtempSync(join(tmpdir(), "cs-service-lock-"));
    const order: string[] = [];
    const waited: string[] = [];
    const first = withServiceLocks(root, ["api"], "dev restart api", async () => {
      order.push("first starts");
      await sleep(300);
      order.push("first ends");
    });
    await sleep(50);
    const second = withServiceLocks(root, ["api"], "dashboard: restart api", async () => void order.push("second runs"), { onWait: (s, holder) => waited.push(`${s}: ${holder}`) });
    await Promise.all([first, second]);
    expect(order).toEqual(["first starts", "first ends", "second runs"]);
    expect(waited).toEqual([`api: dev restart api (pid ${process.pid})`]);
  });

  it("a whole-stack operation (no service named) takes every service's lock: it waits for a restart of one", async () => {
    expect(servicesToLock(["api"], ["api", "web"])).toEqual(["api"]);
    const root = mkdtempSync(join(tmpdir(), "cs-service-lock-"));
    const order: string[] = [];
    const restart = withServiceLocks(root, ["web"], "dev restart web", async () => {
      order.push("restart starts");
      await sleep(300);
      order.push("restart ends");
    });
    await sleep(50);
    const waited: string[] = [];
    const stopAll = withServiceLocks(root, servicesToLock([], ["api", "web"]), "dev stop", async () => void order.push("stop runs"), { onWait: (s) => waited.push(s) });
    await Promise.all([restart, stopAll]);
    expect(order).toEqual(["restart starts", "restart ends", "stop runs"]);
    expect(waited).toEqual(["web"]);
  });

  it("operations on different services run side by side", async () => {
    const root = mkdtempSync(join(tmpdir(), "cs-service-lock-"));
    const order: string[] = [];
    await Promise.all([
      withServiceLocks(root, ["api"], "a", async () => {
        order.push("api starts");
        await sleep(200);
        order.push("api ends");
      }),
      (async () => {
        await sleep(50);
        await withServiceLocks(root, ["web"], "b", async () => void order.push("web runs"));
      })(),
    ]);
    expect(order).toEqual(["api starts", "web runs", "api ends"]);
  });

  it("locks taken in name order: two operations on the same two services never deadlock", async () => {
    const root = mkdtempSync(join(tmpdir(), "cs-service-lock-"));
    const done: string[] = [];
    await Promise.all([
      withServiceLocks(root, ["web", "api"], "x", async () => {
        await sleep(100);
        done.push("x");
      }),
      withServiceLocks(root, ["api", "web"], "y", async () => void done.push("y")),
    ]);
    expect(done.sort()).toEqual(["x", "y"]);
  });

  it("a lock that stays taken ends in E_LOCKED naming the holder; a failed operation releases its lock", async () => {
    const root = mkdtempSync(join(tmpdir(), "cs-service-lock-"));
    await expect(withServiceLocks(root, ["api"], "x", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const held = withServiceLocks(root, ["api"], "dev build api", () => sleep(500));
    await sleep(50);
    await expect(withServiceLocks(root, ["api"], "y", async () => undefined, { timeoutMs: 100 })).rejects.toMatchObject({ code: "E_LOCKED", message: expect.stringMatching(/acting on api: dev build api/) });
    await held;
    await withServiceLocks(root, ["api"], "z", async () => undefined);
  });
});
