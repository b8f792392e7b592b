import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import type { ServiceChange } from "./restart/map-changes.js";
import { StackKeeper } from "./stack-keeper.js";
import type { StackService } from "./stack-services.js";

const P = "shop";
const health = { intervalMs: 1_000, timeoutMs: 1_000, retries: 5, startPeriodMs: 0 };
// The default stack's shape: add-ons and the proxy first, the app services on top of them.
const STACK: StackService[] = [
  { name: "api", dependsOn: ["postgres", "redis"], profiles: [], health },
  { name: "worker", dependsOn: ["postgres", "redis"], profiles: [] },
  { name: "postgres", presetKind: "addon", dependsOn: [], profiles: [], health },
  { name: "redis", presetKind: "addon", dependsOn: [], profiles: [], health },
  { name: "nginx", presetKind: "proxy", dependsOn: [], profiles: [] },
  { name: "jumpbox", presetKind: "tool", dependsOn: [], profiles: ["tools"] },
];

async function setup(o: { fail?: string[]; stopped?: string[] } = {}) {
  const engine = new FakeEngine();
  const ids = new Map<string, string>();
  for (const s of STACK.filter((s) => s.profiles.length === 0)) ids.set(s.name, engine.add({ project: P, service: s.name, health: s.health ? "healthy" : "none" }).id);
  const lines: string[] = [];
  const pushes: { service: string; change: ServiceChange; startedAt: number; endedAt?: number }[] = [];
  const keeper = new StackKeeper({
    engine,
    project: P,
    services: () => STACK,
    log: (l) => lines.push(l),
    stoppedOnPurpose: (s) => (o.stopped ?? []).includes(s),
    windowSlackMs: 500,
    // Stands for the scheduler's run: starting takes a while, then it is up (or not).
    push: async (service, change) => {
      const entry = { service, change, startedAt: Date.now() };
      pushes.push(entry);
      await new Promise((r) => setTimeout(r, 200));
      (entry as { endedAt?: number }).endedAt = Date.now();
      if (o.fail?.includes(service)) return false;
      await engine.start(ids.get(service)!);
      return true;
    },
  });
  await keeper.start();
  return { engine, keeper, lines, pushes, ids };
}

describe("StackKeeper", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_764_126_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("after the engine comes back, starts every service that ran, dependencies ready first, in one line", async () => {
    const { engine, keeper, lines, pushes, ids } = await setup();
    for (const id of ids.values()) engine.set(id, { state: "exited" });
    const done = keeper.engineBack();
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await done;
    expect(result.restarted).toEqual(["nginx", "postgres", "redis", "api", "worker"]);
    const at = Object.fromEntries(pushes.map((p) => [p.service, p]));
    for (const app of ["api", "worker"]) for (const dep of ["postgres", "redis"]) expect(at[app]!.startedAt).toBeGreaterThanOrEqual(at[dep]!.endedAt!);
    expect(pushes.every((p) => p.change.quiet && p.change.cause === "engine")).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^engine back: 5 services restarted in [\d.]+ s \(nginx, postgres, redis, api, worker\)$/)]);
  });

  it("leaves alone what was stopped on purpose and what never ran (a profile's tool)", async () => {
    const { engine, keeper, pushes, ids } = await setup({ stopped: ["redis"] });
    const jumpbox = engine.add({ project: P, service: "jumpbox", state: "exited" });
    for (const id of [...ids.values(), jumpbox.id]) engine.set(id, { state: "exited" });
    const done = keeper.engineBack();
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(pushes.map((p) => p.service).sort()).toEqual(["api", "nginx", "postgres", "worker"]);
  });

  it("a dependency that does not come back: what needs it is not started, and the line says so", async () => {
    const { engine, keeper, lines, pushes, ids } = await setup({ fail: ["postgres"] });
    for (const id of ids.values()) engine.set(id, { state: "exited" });
    const done = keeper.engineBack();
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(pushes.map((p) => p.service)).toEqual(["nginx", "postgres", "redis"]);
    expect(lines.at(-1)).toMatch(/^engine back: 2 of 5 services restarted in [\d.]+ s \(nginx, redis\); postgres did not come back \(see above\); api, worker not started \(they need postgres\)$/);
  });

  it("after a database restart its dependents are told; one that turns unhealthy is restarted, one without a healthcheck is not", async () => {
    const { engine, keeper, lines, pushes, ids } = await setup();
    const sub = engine.events(P, (e) => keeper.onEvent(e), new AbortController().signal);
    engine.set(ids.get("postgres")!, { state: "exited" });
    const done = keeper.bringBack("postgres", "outside");
    await vi.advanceTimersByTimeAsync(300);
    await done;
    expect(pushes.map((p) => [p.service, p.change.cause])).toEqual([["postgres", "outside"]]);
    expect(lines).toEqual(["api, worker depend on postgres: told it restarted; restarted only if not recovered within the health window"]);

    engine.set(ids.get("api")!, { health: "unhealthy" });
    engine.emit(ids.get("api")!, "health_status", { health: "unhealthy" });
    await vi.advanceTimersByTimeAsync(300);
    expect(lines.at(-1)).toBe("api did not recover after postgres restarted: restarting it");
    expect(pushes.map((p) => [p.service, p.change.cause])).toEqual([
      ["postgres", "outside"],
      ["api", "dependency"],
    ]);
    // The worker has no healthcheck: nothing to judge by, never restarted for this.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(pushes.filter((p) => p.service === "worker")).toEqual([]);
    void sub;
  });

  it("a dependent that recovers by itself within its health window is not restarted; one still failing at its end is", async () => {
    const { engine, keeper, pushes, ids } = await setup();
    const sub = engine.events(P, (e) => keeper.onEvent(e), new AbortController().signal);
    engine.set(ids.get("redis")!, { state: "exited" });
    const done = keeper.bringBack("redis", "crash");
    await vi.advanceTimersByTimeAsync(300);
    await done;
    // api recovers: healthy again within its window (5 checks of 1 s + 1 s timeout = 10 s).
    engine.emit(ids.get("api")!, "health_status", { health: "healthy" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pushes.map((p) => p.service)).toEqual(["redis"]);

    // Once more; this time api is still starting (failing checks) when its window ends.
    engine.set(ids.get("redis")!, { state: "exited" });
    const again = keeper.bringBack("redis", "crash");
    await vi.advanceTimersByTimeAsync(300);
    await again;
    engine.set(ids.get("api")!, { health: "starting" });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pushes.map((p) => p.service)).toEqual(["redis", "redis"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pushes.map((p) => [p.service, p.change.cause])).toEqual([
      ["redis", "crash"],
      ["redis", "crash"],
      ["api", "dependency"],
    ]);
    void sub;
  });

  it("bringing one service back also starts what should run and is down, dependencies first", async () => {
    const { engine, keeper, pushes, ids } = await setup();
    engine.set(ids.get("redis")!, { state: "exited" });
    engine.set(ids.get("worker")!, { state: "exited" });
    const done = keeper.bringBack("worker", "crash");
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(pushes.map((p) => [p.service, p.change.cause])).toEqual([
      ["redis", "crash"],
      ["worker", "crash"],
    ]);
  });
});
