import { describe, expect, it } from "vitest";
import { resolveServices } from "../stack/resolve-services.js";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import type { Preset } from "../presets/preset.js";
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

/**
 * Presets are data: a preset folder may extend another preset's service, bring services named
 * otherwise than itself, or add to the proxy layer. These are such presets, beside the shipped ones.
 */
describe("compose layers from other presets", () => {
  const shipped = loadPresets();
  const preset = (name: string, kind: Preset["kind"], layers: Preset["layers"], extra: Partial<Preset> = {}): Preset => ({
    name, kind, description: "", requires: [], conflicts: [], env: {}, connection: {}, layers, files: [], shares_code: false,
    connect_all: false, rebuild_on: ["Dockerfile"], reload: "restart", dir: `/presets/${name}`, ...extra,
  });
  const custom: Record<string, Preset> = {
    // Tunes the postgres preset's service.
    "pg-tuning": preset("pg-tuning", "addon", {
      base: {
        services: {
          postgres: {
            environment: { POSTGRES_INITDB_ARGS: "--data-checksums" },
            volumes: ["postgres-data:/var/lib/postgresql/data", "./db/init:/docker-entrypoint-initdb.d:ro"],
            shm_size: "256m",
          },
        },
      },
    }),
    "pg-env-list": preset("pg-env-list", "addon", { base: { services: { postgres: { environment: ["POSTGRES_HOST_AUTH_METHOD=trust"] } } } }),
    // An add-on whose service is not named after it, with a dashboard routed when the stack has a proxy.
    search: preset("search", "addon", {
      base: { services: { "search-node": { image: "search:1", environment: { WHERE: "{{project}}/{{name}}:[{{path}}|{{port}}|{{route}}|{{envName}}]" } } } },
      proxy: { services: { "search-node": { labels: { "search.dashboard": "true" } } } },
    }, { connection: { SEARCH_URL: "http://search-node:9200" } }),
    // A tool that others may depend on; its connection is not an add-on's.
    mailbox: preset("mailbox", "tool", { tools: { services: { mailbox: { image: "mailbox:1", profiles: ["tools"] } } } }, { connection: { SMTP_URL: "smtp://mailbox:25" } }),
    // A dashboard for every add-on: it connects to all of them, and is routed when there is a proxy.
    board: preset("board", "addon", {
      base: { services: { board: { image: "board:1" } } },
      proxy: { services: { board: { labels: { "board.routed": "true" } } } },
    }, { connect_all: true }),
    broken: preset("broken", "service", { base: { services: { "{{name}}": { image: "x", environment: { A: "{{nope}}" } } } } }),
  };
  const registry: PresetRegistry = {
    get: (name) => custom[name] ?? shipped.get(name),
    names: (kind) => [...shipped.names(kind), ...Object.values(custom).filter((p) => !kind || p.kind === kind).map((p) => p.name)],
  };
  function layersWith(presetsList: string[], services: StackConfig["services"] = {}) {
    const stack: StackConfig = { version: 1, name: "shop", presets: presetsList, services, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [] };
    return Object.fromEntries(buildLayers(stack, registry, resolveServices(stack, registry))) as Record<string, { services: Record<string, any> }>;
  }

  it("a preset extending another's service: maps merge key by key, a list replaces the earlier list", () => {
    const postgres = layersWith(["postgres", "pg-tuning"]).base!.services.postgres;
    expect(postgres.image).toBe("postgres:16");
    expect(postgres.healthcheck.test[1]).toMatch(/^pg_isready/);
    expect(postgres.environment).toEqual({
      POSTGRES_USER: "${POSTGRES_USER:-app}",
      POSTGRES_DB: "${POSTGRES_DB:-app}",
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set in .env}",
      POSTGRES_INITDB_ARGS: "--data-checksums",
    });
    expect(postgres.volumes).toEqual(["postgres-data:/var/lib/postgresql/data", "./db/init:/docker-entrypoint-initdb.d:ro"]);
    expect(postgres.shm_size).toBe("256m");
    // The other layers of the extended preset are untouched.
    expect(layersWith(["postgres", "pg-tuning"]).dev!.services.postgres).toEqual({ ports: ["127.0.0.1:${POSTGRES_PORT:-5432}:5432"] });
  });

  it("when the shapes differ (a KEY=VALUE list after a map), the later preset's value wins whole", () => {
    expect(layersWith(["postgres", "pg-env-list"]).base!.services.postgres.environment).toEqual(["POSTGRES_HOST_AUTH_METHOD=trust"]);
  });

  it("an add-on's proxy-layer part applies only in a stack with a proxy", () => {
    const plain = layersWith(["search"]);
    expect(Object.keys(plain)).toEqual(["base", "dev"]);
    expect(plain.base!.services["search-node"].labels).toBeUndefined();
    expect(layersWith(["search", "nginx"]).proxy!.services["search-node"]).toEqual({ labels: { "search.dashboard": "true" } });
  });

  it("an add-on connecting to everything gets the connections in a stack without a proxy too", () => {
    const plain = layersWith(["postgres", "board"]);
    expect(plain.base!.services.board.environment).toEqual({ DATABASE_URL: expect.stringContaining("@postgres:5432/") });
    expect(plain.proxy).toBeUndefined();
    expect(layersWith(["postgres", "board", "nginx"]).proxy!.services.board.labels).toEqual({ "board.routed": "true" });
  });

  it("a stack-wide preset knows the project and its own name; path, port, route and envName are empty", () => {
    expect(layersWith(["search"]).base!.services["search-node"].environment.WHERE).toBe("shop/search:[|||]");
  });

  it("depending on a preset's service by its own name waits for it; depending on the preset brings its connection", () => {
    const byService = layersWith(["search"], { api: { image: "api", depends_on: ["search-node"] } }).base!.services.api;
    expect(byService.depends_on).toEqual({ "search-node": { condition: "service_started" } });
    expect(byService.environment).toBeUndefined();
    const byPreset = layersWith(["search"], { api: { image: "api", depends_on: ["search"] } }).base!.services.api;
    expect(byPreset.depends_on).toEqual({ "search-node": { condition: "service_started" } });
    expect(byPreset.environment).toEqual({ SEARCH_URL: "http://search-node:9200" });
  });

  it("compose.yaml stays valid alone: depending on the proxy, its socket proxy or a tool adds no depends_on there", () => {
    const l = layersWith(["traefik", "mailbox"], { api: { image: "api", depends_on: ["traefik", "socket-proxy", "mailbox"] } });
    expect(l.base!.services.api.depends_on).toBeUndefined();
    expect(l.base!.services.api.environment).toEqual({ SMTP_URL: "smtp://mailbox:25" });
  });

  it("a tool connecting to everything gets the add-ons' connections, not another tool's", () => {
    const jump = layersWith(["postgres", "mailbox", "jumpbox"]).tools!.services.jumpbox;
    expect(Object.keys(jump.environment)).toEqual(["DATABASE_URL"]);
  });

  it("an unknown placeholder in a service's template preset names the preset", () => {
    expect(() => layersWith([], { api: { template: "broken" } })).toThrow("preset broken: unknown placeholder {{nope}}");
  });
});

describe("adopted services", () => {
  const adopted = (svc: StackConfig["services"][string]) => layers([], { web: { adopted: true, ...svc } }, { compose: ["docker-compose.yml"] });

  it("their command over a mounted source runs under the supervisor, in our dev layer only", () => {
    const l = adopted({ build: ".", path: "app", command: ["python3", "app.py", "$HOME"] });
    expect(l.base!.services.web).toBeUndefined();
    const command = l.dev!.services.web.command as string[];
    expect(command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(command[2]).toContain("# create-stack supervisor");
    // Values as compose read them from their file: meant literally now.
    expect(command.slice(3)).toEqual(["web", "10", "python3", "app.py", "$$HOME"]);
  });

  it("nothing of ours without a command, without a mounted source, or with reload: container", () => {
    for (const svc of [{ build: ".", path: "app" }, { build: ".", command: ["python3", "app.py"] }, { build: ".", path: "app", command: ["x"], reload: "container" as const }]) {
      expect(adopted(svc).dev!.services.web, JSON.stringify(svc)).toBeUndefined();
    }
  });
});
