import { describe, expect, it } from "vitest";
import { resolveServices } from "../plan/resolve-services.js";
import { loadPresets } from "../presets/load-presets.js";
import { DEFAULT_HEALTH, type StackConfig } from "../stack/stack-config.js";
import { buildLayers } from "./compose-layers.js";

const presets = loadPresets();
function layers(presetsList: string[], services: StackConfig["services"], extra: Partial<StackConfig> = {}) {
  const stack: StackConfig = { version: 1, name: "shop", presets: presetsList, services, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [], ...extra };
  const out = buildLayers(stack, presets, resolveServices(stack, presets));
  return Object.fromEntries(out) as Record<string, { services: Record<string, any>; volumes?: Record<string, unknown> }>;
}

describe("compose layers", () => {
  it("only the layers the presets need, base and dev always", () => {
    expect(Object.keys(layers([], { api: { image: "x" } }))).toEqual(["base", "dev"]);
    expect(Object.keys(layers(["nginx", "jumpbox"], {}))).toEqual(["base", "dev", "proxy", "tools"]);
  });

  it("an image service runs as is; its port goes to the dev layer on 127.0.0.1 with a .env override", () => {
    const l = layers([], { cache: { image: "memcached:1.6", port: 11211, stop_grace_period: "20s", command: ["memcached", "-vv"] } });
    expect(l.base!.services.cache).toEqual({ image: "memcached:1.6", stop_grace_period: "20s" });
    expect(l.dev!.services.cache).toEqual({ ports: ["127.0.0.1:${CACHE_PORT:-11211}:11211"], command: ["memcached", "-vv"] });
  });

  it("a service without a port or command has nothing in the dev layer", () => {
    expect(layers([], { cache: { image: "x" } }).dev!.services.cache).toBeUndefined();
  });

  it("dependencies: add-ons bring their connection and wait until healthy; plain services until started", () => {
    const l = layers(["postgres", "redis"], {
      api: { template: "python-http", depends_on: ["postgres", "cache", "web"], env: { DATABASE_URL: "mine", LOG: "debug" } },
      cache: { image: "memcached" },
      web: { template: "python-http", path: "services/web" },
    });
    const api = l.base!.services.api;
    expect(api.depends_on).toEqual({ postgres: { condition: "service_healthy" }, cache: { condition: "service_started" }, web: { condition: "service_healthy" } });
    expect(api.environment).toMatchObject({ DATABASE_URL: "mine", LOG: "debug", PORT: "8000", SERVICE_NAME: "api" });
    expect(l.base!.services.cache.depends_on).toBeUndefined();
    expect(l.base!.services.cache.environment).toBeUndefined();
    expect(l.base!.services.web.environment).not.toHaveProperty("DATABASE_URL");
  });

  it("a tool that connects to everything gets every add-on's connection, its own settings winning", () => {
    const l = layers(["postgres", "redis", "jumpbox"], {});
    const [name, jump] = Object.entries(l.tools!.services)[0]!;
    expect(name).toBe("jumpbox");
    expect(jump.environment).toMatchObject({ DATABASE_URL: expect.stringContaining("@postgres:5432/"), REDIS_URL: expect.stringContaining("@redis:6379/") });
  });

  it("healthchecks get the stack's timing unless the preset sets its own; the test is kept", () => {
    const l = layers(["postgres"], { api: { template: "python-http" } }, { health: { interval: "1s", timeout: "2s", retries: 7, start_period: "9s" } });
    expect(l.base!.services.api.healthcheck).toMatchObject({ interval: "1s", timeout: "2s", retries: 7, start_period: "9s" });
    expect(l.base!.services.api.healthcheck.test[0]).toBe("CMD");
    expect(Object.keys(l.base!.services.api.healthcheck)[0]).toBe("test");
    expect(l.base!.services.postgres.healthcheck.test).toBeTruthy();
    expect(l.base!.services.cache).toBeUndefined();
  });

  it("image overrides apply to images and to base images of builds, and leave others alone", () => {
    const l = layers(["postgres"], { api: { template: "python-http" }, other: { image: "busybox" } }, {
      images: { "postgres:16": "mirror/postgres:16", "python:3.12-slim": "mirror/python:3.12" },
    });
    expect(l.base!.services.postgres.image).toBe("mirror/postgres:16");
    expect(l.base!.services.api.build.args.BASE_IMAGE).toBe("mirror/python:3.12");
    expect(l.base!.services.other.image).toBe("busybox");
  });

  it("Traefik labels go on routed services in the proxy layer only; nginx needs no labels", () => {
    const t = layers(["traefik"], { api: { template: "python-http", route: "/api" }, worker: { image: "x" } });
    expect(t.proxy!.services.api.labels["traefik.http.routers.shop-api.rule"]).toBe("PathPrefix(`/api`)");
    expect(t.proxy!.services.worker).toBeUndefined();
    expect(t.base!.services.api.labels).toBeUndefined();
    const n = layers(["nginx"], { api: { template: "python-http", route: "/api" } });
    expect(n.proxy!.services.api).toBeUndefined();
  });

  it("volumes from presets are declared at the top of their layer", () => {
    const l = layers(["postgres", "redis"], {});
    expect(Object.keys(l.base!.volumes ?? {}).sort()).toEqual(expect.arrayContaining(["postgres-data"]));
    expect(l.dev!.volumes).toBeUndefined();
  });
});
