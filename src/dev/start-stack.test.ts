import { describe, expect, it } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import type { ContainerInfo } from "../engine/engine.js";
import { startInOrder, type Dependencies } from "./start-stack.js";

/** A default-shaped stack; each container gets ready `ms` after its start. */
function stack(readyAfterMs: Record<string, number>) {
  const engine = new FakeEngine();
  const containers = new Map<string, ContainerInfo[]>();
  for (const service of Object.keys(readyAfterMs)) containers.set(service, [engine.add({ project: "p", service, state: "created" })]);
  const deps: Dependencies = new Map([
    ["api", [{ service: "postgres", healthy: true }, { service: "redis", healthy: true }]],
    ["worker", [{ service: "postgres", healthy: true }, { service: "redis", healthy: true }]],
    ["web", [{ service: "api", healthy: false }]],
  ]);
  const events: string[] = [];
  return {
    events,
    run: (wanted: string[] = [...containers.keys()], fail?: string) =>
      startInOrder({
        containers,
        deps,
        wanted,
        start: async (c) => {
          events.push(`start ${c.service}`);
          await engine.start(c.id);
        },
        waitReady: async (c) => {
          await new Promise((r) => setTimeout(r, readyAfterMs[c.service]));
          if (c.service === fail) throw new Error(`${c.service} exited with code 1`);
          return true;
        },
        onReady: (service) => events.push(`ready ${service}`),
      }),
  };
}

describe("startInOrder", () => {
  it("starts independent services together and each dependent as soon as its dependencies are ready", async () => {
    const s = stack({ postgres: 150, redis: 50, api: 50, worker: 50, nginx: 10, web: 10 });
    await s.run();
    // Independent services start at once, in parallel: before anything is ready.
    const firstReady = s.events.findIndex((e) => e.startsWith("ready "));
    for (const svc of ["postgres", "redis", "nginx"]) expect(s.events.indexOf(`start ${svc}`)).toBeLessThan(firstReady);
    // api and worker wait for both postgres and redis to be ready (redis is the quicker one).
    const depsReady = Math.max(s.events.indexOf("ready postgres"), s.events.indexOf("ready redis"));
    expect(s.events.indexOf("start api")).toBeGreaterThan(depsReady);
    expect(s.events.indexOf("start worker")).toBeGreaterThan(depsReady);
    // service_started: web waits for api's start, not for api to be ready.
    expect(s.events.indexOf("start web")).toBeGreaterThan(s.events.indexOf("start api"));
    expect(s.events.indexOf("start web")).toBeLessThan(s.events.indexOf("ready api"));
    expect(s.events.filter((e) => e.startsWith("ready "))).toHaveLength(6);
  });

  it("a subset starts with its dependencies only", async () => {
    const s = stack({ postgres: 10, redis: 10, api: 10, worker: 10, nginx: 10, web: 10 });
    await s.run(["api"]);
    expect(s.events.filter((e) => e.startsWith("start ")).map((e) => e.slice(6)).sort()).toEqual(["api", "postgres", "redis"]);
  });

  it("a dependency that fails stops its dependents from starting and fails the start", async () => {
    const s = stack({ postgres: 20, redis: 10, api: 10, worker: 10, nginx: 10, web: 10 });
    await expect(s.run(undefined, "postgres")).rejects.toThrow("postgres exited");
    await new Promise((r) => setTimeout(r, 50));
    expect(s.events).not.toContain("start api");
  });
});
