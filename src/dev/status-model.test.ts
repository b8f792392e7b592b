import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ContainerInfo } from "../engine/engine.js";
import { loadProject } from "../stack/load-project.js";
import { diffServices } from "../dashboard/live-status.js";
import type { DevEvent } from "./dev-events.js";
import { statusModel } from "./status-model.js";

const STACK = `version: 1
name: shop
presets: [postgres, redis, nginx]
services:
  api:
    template: python-http
    port: 8000
    route: /api
    depends_on: [postgres, redis]
  worker:
    template: worker
    path: services/api
    depends_on: [redis]
    group: jobs
`;

async function project() {
  const root = await mkdtemp(join(tmpdir(), "cs-status-"));
  await writeFile(join(root, "stack.yaml"), STACK);
  return loadProject(root);
}

const container = (service: string, over: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id: `id-${service}`,
  name: `shop-${service}-1`,
  project: "shop",
  service,
  state: "running",
  health: "healthy",
  image: "img",
  ports: [],
  startedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("status model", () => {
  it("one entry per service: kind, group, what it waits for, links, missing ones", async () => {
    const p = await project();
    const now = Date.parse("2026-01-01T00:01:40.000Z");
    const model = statusModel({
      project: p,
      containers: [
        container("api", { ports: [{ containerPort: 8000, hostPort: 18000, hostIp: "127.0.0.1", protocol: "tcp" }] }),
        container("postgres", { health: "starting" }),
        container("redis"),
        container("nginx"),
      ],
      proxyPort: "18080",
      restarts: { api: 2 },
      now,
    });
    expect(model.project).toBe("shop");
    expect(model.services.map((s) => [s.service, s.state, s.kind, s.group])).toEqual([
      ["api", "running", "service", "services"],
      ["nginx", "running", "proxy", "proxy"],
      ["postgres", "running", "addon", "addons"],
      ["redis", "running", "addon", "addons"],
      ["worker", "missing", "service", "jobs"],
    ]);
    const api = model.services.find((s) => s.service === "api")!;
    expect(api).toMatchObject({ url: "http://127.0.0.1:18080/api", ports: ["127.0.0.1:18000->8000"], restarts: 2, uptimeSeconds: 100, startedAt: "2026-01-01T00:00:00.000Z", waitingFor: ["postgres"] });
    expect(model.services.find((s) => s.service === "worker")!.waitingFor).toEqual([]);
  });

  it("a stopped container has its exit code and no start time; the events pass through", async () => {
    const p = await project();
    const events: DevEvent[] = [{ type: "crash", service: "api", at: "t", cause: "crash", why: "crashed: exited with code 3", lines: ["boom"], backoffMs: 500 }];
    const model = statusModel({ project: p, containers: [container("api", { state: "exited", exitCode: 3 })], events });
    const api = model.services.find((s) => s.service === "api")!;
    expect(api).toMatchObject({ state: "exited", exitCode: 3 });
    expect(api.startedAt).toBeUndefined();
    expect(model.events).toEqual(events);
  });

  it("nothing running: no services listed (the stack is not up)", async () => {
    expect(statusModel({ project: await project(), containers: [] }).services).toEqual([]);
  });

  it("never carries a value of .env other than the proxy's port", async () => {
    const model = statusModel({ project: await project(), containers: [container("api")], proxyPort: "18080" });
    expect(JSON.stringify(model)).not.toMatch(/PASSWORD|SECRET|postgres:\/\//i);
  });

  it("deltas: changed and removed services only; a growing uptime is no change", async () => {
    const p = await project();
    const a = statusModel({ project: p, containers: [container("api"), container("redis")], now: 1e12 }).services;
    const b = statusModel({ project: p, containers: [container("api")], now: 1e12 + 5000 }).services;
    expect(diffServices(a, a)).toEqual({});
    expect(diffServices(a, statusModel({ project: p, containers: [container("api"), container("redis")], now: 1e12 + 5000 }).services)).toEqual({});
    // redis's container gone: it is listed as missing, and api now waits for it.
    const d = diffServices(a, b);
    expect(d.services?.find((s) => s.service === "redis")?.state).toBe("missing");
    expect(d.services?.find((s) => s.service === "api")?.waitingFor).toEqual(["postgres", "redis"]);
    expect(d.removed).toBeUndefined();
    expect(diffServices(a, a.filter((s) => s.service !== "nginx"))).toEqual({ removed: ["nginx"] });
  });
});
