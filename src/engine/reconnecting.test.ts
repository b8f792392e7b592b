import { describe, expect, it } from "vitest";
import { keepSubscribed } from "./reconnecting.js";

describe("keepSubscribed", () => {
  it("reconnects after the stream drops or fails, backing off, and asks the caller to re-list", async () => {
    const controller = new AbortController();
    const sleeps: number[] = [];
    let opens = 0;
    let reconnects = 0;
    let disconnects = 0;
    await keepSubscribed(
      async (connected) => {
        opens++;
        if (opens === 2 || opens === 3) throw new Error("daemon restarting");
        connected();
        if (opens === 5) controller.abort();
      },
      controller.signal,
      {
        onReconnect: () => reconnects++,
        onDisconnect: () => disconnects++,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    );
    expect(opens).toBe(5);
    // Connected on opens 1, 4 and 5: the last two are reconnections.
    expect(reconnects).toBe(2);
    // Dropped after opens 1 and 4 (failed opens 2 and 3 were never connected); 5 ended by abort.
    expect(disconnects).toBe(2);
    // 100 after the first drop, then doubling while the daemon is away; reset once connected.
    expect(sleeps).toEqual([100, 200, 400, 100]);
  });
});
