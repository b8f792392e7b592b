import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import { CrashMonitor } from "./crash-monitor.js";
import type { RestartCause } from "./restart/map-changes.js";

// The clock is the real one's magnitude (see backoff.test.ts): the backoff compares times.
const T0 = 1_764_126_000_000;
const P = "shop";

function setup(o: { stopped?: Set<string>; stopWindowMs?: number; onEngineLeaving?: () => void; onEngineStayed?: () => void; commandElsewhere?: (service: string) => string | undefined } = {}) {
  const engine = new FakeEngine();
  const lines: string[] = [];
  const restarts: { service: string; cause: RestartCause; at: number }[] = [];
  const stopped = o.stopped ?? new Set<string>();
  const monitor = new CrashMonitor({
    engine,
    project: P,
    log: (l) => lines.push(l),
    restart: (service, cause) => restarts.push({ service, cause, at: Date.now() - T0 }),
    watches: (s) => ["api", "postgres", "nginx"].includes(s),
    stoppedOnPurpose: (s) => stopped.has(s),
    hasSources: (s) => s === "api",
    stopWindowMs: o.stopWindowMs,
    onEngineLeaving: o.onEngineLeaving,
    onEngineStayed: o.onEngineStayed,
    commandElsewhere: o.commandElsewhere,
  });
  const api = engine.add({ project: P, service: "api", logLines: ["Traceback (most recent call last):", "RuntimeError: boom"] });
  const pg = engine.add({ project: P, service: "postgres", health: "healthy", logLines: ["LOG:  database system is ready to accept connections"] });
  const nginx = engine.add({ project: P, service: "nginx", logLines: ['"GET /api/ HTTP/1.1" 200'] });
  const text = () => lines.join("\n");
  return { engine, monitor, lines, restarts, stopped, api, pg, nginx, text };
}

/** What `docker kill` (SIGKILL) and `docker stop` (the image's stop signal) make the engine send. */
function kill(engine: FakeEngine, id: string, signal = "9") {
  engine.emit(id, "kill", { signal });
  engine.set(id, { state: "exited" });
  engine.emit(id, "die", { exitCode: signal === "9" ? 137 : 0 });
}

describe("CrashMonitor", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("the old container of a finished rebuild ending late (its events after the restart was over) is no stop of the service", async () => {
    const { engine, monitor, restarts, text, api } = setup();
    void engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    // compose v2 recreating api: the new container runs; the old one's stop, then the new one's
    // start, then the old one's removal reach the watcher only after the restart was done.
    monitor.expectRestart("api");
    const fresh = engine.add({ project: P, service: "api" });
    monitor.restartDone("api", true);
    kill(engine, api.id, "15");
    engine.emit(api.id, "stop");
    engine.emit(fresh.id, "start");
    engine.emit(api.id, "destroy");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(text()).toBe("");
    expect(restarts).toEqual([]);
    // Its only container stopped from outside is still one.
    kill(engine, fresh.id, "15");
    await vi.advanceTimersByTimeAsync(100);
    expect(text()).toMatch(/^api was stopped from outside; restarting in 3\.0 s unless it is started again/);
  });

  it("a stop made by an operation holding that service's lock (another terminal's dev restart, a dashboard button) is that operation's, said once, never restarted", async () => {
    const acting = new Map([["api", "dashboard restart api"]]);
    const { engine, monitor, restarts, text, api, pg } = setup({ commandElsewhere: (s) => acting.get(s) });
    void engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    kill(engine, api.id, "15");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(text()).toBe("api was stopped by dashboard restart api (our own command, not a crash)");
    expect(restarts).toEqual([]);
    // Another service, which no operation holds, stopping meanwhile is still an outside stop.
    kill(engine, pg.id, "15");
    await vi.advanceTimersByTimeAsync(100);
    expect(text()).toMatch(/postgres was stopped from outside/);
  });

  it("a crash is reported with the last log lines and restarted after 100 ms, not before", async () => {
    const { engine, monitor, restarts, text, api } = setup();
    engine.set(api.id, { state: "exited" });
    monitor.onEvent({ action: "die", containerId: api.id, project: P, service: "api", exitCode: 1, time: 0 });
    await vi.advanceTimersByTimeAsync(99);
    expect(text()).toBe(
      "api crashed: exited with code 1; restarting in 100 ms (save a fix to restart at once). Last lines:\n  api | Traceback (most recent call last):\n  api | RuntimeError: boom",
    );
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(restarts).toEqual([{ service: "api", cause: "crash", at: 100 }]);
    // Asked first whether the engine still takes new connections (a daemon shutting down does not).
    expect(engine.callsOf("ping")).toEqual([{ method: "ping", args: { fresh: true } }]);
  });

  it("docker kill of a preset service (no sources) is reported at once with its last lines and restarted after 100 ms", async () => {
    const { engine, monitor, restarts, lines, pg } = setup();
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    kill(engine, pg.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toEqual(["postgres was killed from outside (docker kill); restarting in 100 ms. Last lines:\n  postgres | LOG:  database system is ready to accept connections"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(restarts).toEqual([{ service: "postgres", cause: "outside", at: 100 }]);
    void sub;
  });

  it("docker stop waits for a possible start; a start from outside (docker restart) means nothing to do", async () => {
    const { engine, monitor, restarts, lines, nginx } = setup();
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    kill(engine, nginx.id, "3");
    engine.emit(nginx.id, "stop");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines[0]).toMatch(/^nginx was stopped from outside; restarting in 3\.0 s unless it is started again\. Last lines:/);
    expect(monitor.waiting("nginx")).toBe(true);
    await vi.advanceTimersByTimeAsync(2_500);
    engine.set(nginx.id, { state: "running" });
    engine.emit(nginx.id, "start");
    engine.emit(nginx.id, "restart");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines[1]).toBe("nginx was started again from outside");
    expect(monitor.waiting("nginx")).toBe(false);
    // Not restarted by us, however long we wait (well past any backoff).
    await vi.advanceTimersByTimeAsync(120_000);
    expect(restarts).toEqual([]);
    expect(lines).toHaveLength(2);
    void sub;
  });

  it("docker stop with no start after it: restarted once the window has passed", async () => {
    const { engine, monitor, restarts, nginx } = setup({ stopWindowMs: 3_000 });
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    kill(engine, nginx.id, "15");
    await vi.advanceTimersByTimeAsync(2_999);
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(restarts).toEqual([{ service: "nginx", cause: "outside", at: 3_000 }]);
    void sub;
  });

  it("docker rm -f: the container is being removed when it dies, so it is recreated", async () => {
    const { engine, monitor, restarts, lines, api } = setup();
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    engine.emit(api.id, "kill", { signal: "9" });
    engine.set(api.id, { state: "removing" });
    engine.emit(api.id, "die", { exitCode: 137 });
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toEqual(["api: its container was removed from outside (docker rm); recreating in 100 ms"]);
    await engine.remove(api.id);
    monitor.onEvent({ action: "destroy", containerId: api.id, project: P, service: "api", time: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(restarts).toEqual([{ service: "api", cause: "removed", at: 100 }]);
    void sub;
  });

  it("stops while the engine shuts down are one event: nothing per service, even when one's stop window ends before the stream drops", async () => {
    let leaving = 0;
    const { engine, monitor, lines, restarts, api, pg, nginx } = setup({ onEngineLeaving: () => leaving++ });
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal, () => monitor.resume(), () => monitor.pause());
    // dockerd closes its API first, then stops its containers; a slow one holds the stream up.
    engine.stopAnswering();
    kill(engine, api.id, "15");
    kill(engine, nginx.id, "3");
    await vi.advanceTimersByTimeAsync(0);
    expect(leaving).toBe(1);
    expect(monitor.isLeaving()).toBe(true);
    await vi.advanceTimersByTimeAsync(8_000);
    kill(engine, pg.id, "2");
    await vi.advanceTimersByTimeAsync(2_000);
    engine.goAway();
    expect(monitor.isLeaving()).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    engine.comeBack();
    await vi.advanceTimersByTimeAsync(60_000);
    // No report (no "stopped from outside", no removal), no restart: the caller brings the stack back as a whole.
    expect(lines).toEqual([]);
    expect(restarts).toEqual([]);
    expect(leaving).toBe(1);
    // Back to normal once the engine is: a crash now is a crash.
    engine.set(api.id, { state: "exited" });
    engine.emit(api.id, "die", { exitCode: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(restarts).toEqual([{ service: "api", cause: "crash", at: 75_100 }]);
    void sub;
  });

  it("an engine that stops answering and answers again without dropping its stream did not go away: the caller is told", async () => {
    const told: string[] = [];
    const { engine, monitor, lines, restarts, nginx } = setup({ onEngineLeaving: () => told.push("leaving"), onEngineStayed: () => told.push("stayed") });
    engine.stopAnswering();
    kill(engine, nginx.id, "3");
    monitor.onEvent({ action: "kill", containerId: nginx.id, project: P, service: "nginx", signal: "3", time: 0 });
    monitor.onEvent({ action: "die", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(told).toEqual(["leaving"]);
    engine.answerAgain();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(told).toEqual(["leaving", "stayed"]);
    expect(monitor.isLeaving()).toBe(false);
    expect([lines, restarts]).toEqual([[], []]);
  });

  it("an engine that does not answer within the verdict time counts as going away", async () => {
    let leaving = 0;
    const { engine, monitor, lines, nginx } = setup({ onEngineLeaving: () => leaving++ });
    engine.ping = () => new Promise<void>(() => undefined);
    monitor.onEvent({ action: "kill", containerId: nginx.id, project: P, service: "nginx", signal: "3", time: 0 });
    monitor.onEvent({ action: "die", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(leaving).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect([leaving, lines]).toEqual([1, []]);
    monitor.close();
  });

  it("events that arrive while the engine is asked wait, in order: a start right after a stop still cancels its restart", async () => {
    const { engine, monitor, lines, restarts, nginx } = setup();
    let answer: () => void = () => undefined;
    engine.ping = () => new Promise<void>((r) => (answer = r));
    monitor.onEvent({ action: "kill", containerId: nginx.id, project: P, service: "nginx", signal: "3", time: 0 });
    monitor.onEvent({ action: "die", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    monitor.onEvent({ action: "start", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(lines).toEqual([]);
    answer();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.map((l) => l.split(".")[0])).toEqual(["nginx was stopped from outside; restarting in 3", "nginx was started again from outside"]);
    expect(restarts).toEqual([]);
  });

  it("a removal noticed after the stop was reported turns the pending restart into a recreation", async () => {
    const { engine, monitor, restarts, nginx } = setup();
    kill(engine, nginx.id, "3");
    monitor.onEvent({ action: "kill", containerId: nginx.id, project: P, service: "nginx", signal: "3", time: 0 });
    monitor.onEvent({ action: "die", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    await vi.advanceTimersByTimeAsync(1_000);
    await engine.remove(nginx.id);
    monitor.onEvent({ action: "destroy", containerId: nginx.id, project: P, service: "nginx", time: 0 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(restarts.map((r) => [r.service, r.cause])).toEqual([["nginx", "removed"]]);
  });

  it("our own restarts and compose runs are not reported", async () => {
    const { engine, monitor, restarts, lines, api, pg } = setup();
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    monitor.expectRestart("api");
    kill(engine, api.id, "15");
    engine.emit(api.id, "stop");
    engine.emit(api.id, "start");
    monitor.restartDone("api", true);
    let finish = () => undefined as void;
    const compose = monitor.ownCompose(new Promise<void>((r) => (finish = r)));
    kill(engine, pg.id, "15");
    engine.emit(pg.id, "destroy");
    finish();
    await compose;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(lines).toEqual([]);
    expect(restarts).toEqual([]);
    void sub;
  });

  it("a service stopped on purpose stays stopped, also when the record is written just after the stop", async () => {
    const { engine, monitor, restarts, lines, stopped, pg, nginx } = setup();
    const sub = engine.events(P, (e) => monitor.onEvent(e), new AbortController().signal);
    stopped.add("postgres");
    kill(engine, pg.id, "15");
    engine.emit(pg.id, "stop");
    // dev stop recording nginx a moment after stopping it: still within the stop window.
    kill(engine, nginx.id, "3");
    await vi.advanceTimersByTimeAsync(500);
    stopped.add("nginx");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(restarts).toEqual([]);
    expect(lines[0]).toBe("postgres was stopped on purpose: left stopped");
    expect(lines.at(-1)).toBe("nginx was stopped on purpose: left stopped");
    void sub;
  });

  it("one-off containers (compose run) and services it does not look after are left alone", async () => {
    const { engine, monitor, restarts, lines } = setup();
    const oneoff = engine.add({ project: P, service: "api" });
    const jumpbox = engine.add({ project: P, service: "jumpbox" });
    monitor.onEvent({ action: "die", containerId: oneoff.id, project: P, service: "api", exitCode: 0, oneoff: true, time: 0 });
    monitor.onEvent({ action: "die", containerId: jumpbox.id, project: P, service: "jumpbox", exitCode: 0, time: 0 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect([lines, restarts]).toEqual([[], []]);
  });

  it("a crash loop after a save's restart backs off 100, 200, 400 ms (never 0)", async () => {
    const { engine, monitor, restarts, api } = setup();
    // A file change restarted api: a successful restart with no crash before it.
    monitor.expectRestart("api");
    monitor.restartDone("api", true);
    for (const expected of [100, 200, 400, 800]) {
      await vi.advanceTimersByTimeAsync(1_000); // up for a second, then it crashes again
      engine.set(api.id, { state: "exited" });
      monitor.onEvent({ action: "die", containerId: api.id, project: P, service: "api", exitCode: 1, time: 0 });
      const crashedAt = Date.now();
      await vi.advanceTimersByTimeAsync(expected - 1);
      const before = restarts.length;
      await vi.advanceTimersByTimeAsync(1);
      expect(restarts.length).toBe(before + 1);
      expect(Date.now() - crashedAt).toBe(expected);
      monitor.expectRestart("api");
      monitor.restartDone("api", true);
    }
    // 4 crashes in about 5.5 s gave 4 restarts, not dozens.
    expect(restarts).toHaveLength(4);
  });

  it("saving a fix cancels the wait; the engine going away cancels everything until it is back", async () => {
    const { engine, monitor, restarts, lines, api, pg } = setup();
    engine.set(api.id, { state: "exited" });
    monitor.onEvent({ action: "die", containerId: api.id, project: P, service: "api", exitCode: 1, time: 0 });
    await vi.advanceTimersByTimeAsync(10);
    monitor.codeChanged("api");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(restarts).toEqual([]);

    kill(engine, pg.id, "15");
    monitor.onEvent({ action: "kill", containerId: pg.id, project: P, service: "postgres", signal: "15", time: 0 });
    monitor.onEvent({ action: "die", containerId: pg.id, project: P, service: "postgres", time: 0 });
    monitor.pause();
    monitor.onEvent({ action: "die", containerId: api.id, project: P, service: "api", exitCode: 1, time: 0 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(restarts).toEqual([]);
    expect(lines.filter((l) => l.startsWith("api crashed"))).toHaveLength(1);
    monitor.resume();
    monitor.onEvent({ action: "die", containerId: api.id, project: P, service: "api", exitCode: 1, time: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(restarts.map((r) => r.service)).toEqual(["api"]);
  });
});
