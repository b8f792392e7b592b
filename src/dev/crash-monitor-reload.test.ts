import { describe, expect, it } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import { RELOAD_SIGNAL_NUMBER } from "../render/supervisor.js";
import { CrashMonitor } from "./crash-monitor.js";

function monitor() {
  const engine = new FakeEngine();
  const logs: string[] = [];
  const restarts: string[] = [];
  const crashes = new CrashMonitor({ engine, project: "p", log: (l) => logs.push(l), restart: (s) => restarts.push(s), watches: () => true });
  return { engine, crashes, logs };
}

describe("crash monitor and process reloads", () => {
  it("a reload signal is no stop: the container dying later is still a crash", async () => {
    const { engine, crashes, logs } = monitor();
    const c = engine.add({ project: "p", service: "api", logLines: ["SyntaxError: invalid syntax"] });
    crashes.onEvent({ action: "kill", containerId: c.id, project: "p", service: "api", signal: RELOAD_SIGNAL_NUMBER, time: 0 });
    crashes.onEvent({ action: "die", containerId: c.id, project: "p", service: "api", exitCode: 1, time: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(logs.join("\n")).toMatch(/^api crashed: exited with code 1; restarting in 100 ms/);
    expect(logs.join("\n")).toContain("SyntaxError");
    crashes.close();
  });

  it("a stop (TERM, then KILL) is intended: no crash", async () => {
    const { engine, crashes, logs } = monitor();
    const c = engine.add({ project: "p", service: "api" });
    crashes.onEvent({ action: "kill", containerId: c.id, project: "p", service: "api", signal: "15", time: 0 });
    crashes.onEvent({ action: "die", containerId: c.id, project: "p", service: "api", exitCode: 143, time: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(logs).toEqual([]);
    crashes.close();
  });
});
