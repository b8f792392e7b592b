import { describe, expect, it } from "vitest";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import { parseStack } from "./parse-stack.js";
import { envNameOf, resolveServices, type ResolvedService } from "./resolve-services.js";

const presets = loadPresets();

/** The services of a stack.yaml whose `services:` holds these lines, with every default filled in. */
function resolved(...serviceLines: string[]): Record<string, ResolvedService> {
  return resolvedWith(presets, ...serviceLines);
}

function resolvedWith(registry: PresetRegistry, ...serviceLines: string[]): Record<string, ResolvedService> {
  const { config } = parseStack(`version: 1\nname: shop\npresets: [postgres, redis, nginx]\nservices:\n${serviceLines.map((l) => `  ${l}\n`).join("")}`);
  return Object.fromEntries(resolveServices(config, registry).map((s) => [s.name, s]));
}

describe("a stack.yaml service with its defaults filled in", () => {
  it("a template service: its code in services/NAME, the template's port and command, its manifests rebuild it", () => {
    const { api } = resolved("api: { template: python-http }");
    expect(api).toMatchObject({
      path: "services/api", port: 8000, strip: true, dependsOn: [], env: {}, reload: false, envName: "API",
      watch: ["services/api"],
      rebuildOn: ["services/api/Dockerfile", "services/api/requirements.txt", "services/api/pyproject.toml", "services/api/poetry.lock"],
      vars: { project: "shop", name: "api", envName: "API", port: "8000", route: "", path: "services/api" },
    });
    expect(api!.preset?.name).toBe("python-http");
    expect(api!.build).toBeUndefined();
    expect(api!.image).toBeUndefined();
  });

  it("what stack.yaml sets wins over the template's defaults", () => {
    const { web } = resolved("web: { template: python-http, path: apps/web, port: 9000, route: /web, strip_prefix: false, reload: container, command: [python, main.py], stop_grace_period: 30s }");
    expect(web).toMatchObject({
      path: "apps/web", port: 9000, route: "/web", strip: false, reload: "container", command: ["python", "main.py"], stopGracePeriod: "30s",
      watch: ["apps/web"], vars: { port: "9000", route: "/web", path: "apps/web" },
    });
    expect(web!.rebuildOn[0]).toBe("apps/web/Dockerfile");
  });

  it("a template's required preset is a dependency, listed once", () => {
    // The worker's default path (the api's code) is what `dev add service` writes; stack.yaml without one means its own folder.
    const { worker, mailer } = resolved("worker: { template: worker }", "mailer: { template: worker, path: services/api, depends_on: [postgres, redis] }");
    expect(worker).toMatchObject({ path: "services/worker", dependsOn: ["redis"] });
    expect(mailer).toMatchObject({ path: "services/api", dependsOn: ["postgres", "redis"] });
  });

  it("a service with its own Dockerfile: built as it is, every change under it rebuilds it", () => {
    const { sub } = resolved("sub: { build: services/submission, dockerfile: docker/sub.Dockerfile, healthcheck: { http: /health }, port: 80 }");
    expect(sub).toMatchObject({
      build: { context: "services/submission", dockerfile: "docker/sub.Dockerfile" }, path: "services/submission", healthcheck: { http: "/health" },
      watch: ["services/submission", "docker/sub.Dockerfile"], rebuildOn: ["services/submission/**", "docker/sub.Dockerfile"],
    });
    expect(sub!.preset).toBeUndefined();
    const { plain } = resolved("plain: { build: services/plain }");
    expect(plain).toMatchObject({ build: { context: "services/plain" }, rebuildOn: ["services/plain/**"], watch: ["services/plain"] });
  });

  it("an image service has no code to watch or rebuild unless it names a path", () => {
    const { cache, docs } = resolved("cache: { image: memcached, env: { MEMCACHED_MEMORY: 64, VERBOSE: true, MODE: fast } }", "docs: { image: nginx, path: site }");
    expect(cache).toMatchObject({ image: "memcached", watch: [], rebuildOn: [], reload: false, env: { MEMCACHED_MEMORY: "64", VERBOSE: "true", MODE: "fast" } });
    expect(cache!.path).toBeUndefined();
    expect(cache!.port).toBeUndefined();
    expect(cache!.vars.port).toBe("");
    expect(docs).toMatchObject({ path: "site", watch: ["site"], rebuildOn: [] });
  });

  it("names become .env keys in upper snake case", () => {
    expect(envNameOf("api-gateway")).toBe("API_GATEWAY");
    expect(envNameOf("a-b-c")).toBe("A_B_C");
    expect(resolved("api-gateway: { image: nginx }")["api-gateway"]!.envName).toBe("API_GATEWAY");
  });

  it("a template preset may name its own default folder, and may reload itself", () => {
    // As a new preset folder could declare them: a folder per service under apps/, and a dev server that reloads on its own.
    const own: PresetRegistry = {
      names: (kind) => presets.names(kind),
      get: (name) => {
        const preset = presets.get(name);
        return name === "node-http" && preset?.defaults ? { ...preset, defaults: { ...preset.defaults, path: "apps/{{name}}" }, reload: "self" } : preset;
      },
    };
    const { web, site } = resolvedWith(own, "web: { template: node-http }", "site: { template: node-http, path: www, reload: process }");
    expect(web).toMatchObject({ path: "apps/web", watch: ["apps/web"], reload: true, vars: { path: "apps/web" } });
    expect(site).toMatchObject({ path: "www", reload: "process" });
  });
});
