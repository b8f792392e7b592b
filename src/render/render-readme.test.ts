import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveServices } from "../stack/resolve-services.js";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import type { Preset } from "../presets/preset.js";
import { DEFAULT_HEALTH, type StackConfig } from "../stack/stack-config.js";
import { renderReadme } from "./render-readme.js";
import { renderTemplate, templatePath } from "./render-template.js";

const presets = loadPresets();
function readme(presetsList: string[], services: StackConfig["services"], env: Record<string, string>): string {
  const stack: StackConfig = { version: 1, name: "shop", presets: presetsList, services, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [] };
  return renderReadme(stack, presets, resolveServices(stack, presets), env);
}

describe("the project's README", () => {
  it("lists routes with their URLs on the proxy port, most specific first, and the dashboard for Traefik", () => {
    const text = readme(["traefik", "postgres"], {
      api: { template: "python-http", route: "/api" },
      admin: { template: "python-http", route: "/api/admin" },
      cache: { image: "memcached:1.6", port: 11211 },
    }, { PROXY_PORT: "8090", TRAEFIK_DASHBOARD_PORT: "8091", API_PORT: "8000", ADMIN_PORT: "8001", CACHE_PORT: "11300", POSTGRES_PORT: "5433" });
    expect(text).toContain("| `/api/admin` | admin | http://127.0.0.1:8090/api/admin |\n| `/api` | api | http://127.0.0.1:8090/api |\n");
    expect(text).toContain("Traefik dashboard: http://127.0.0.1:8091/dashboard/");
    expect(text).toContain("| api | `services/api/` | 127.0.0.1:8000 |");
    expect(text).toContain("| cache | image `memcached:1.6` | 127.0.0.1:11300 |");
    expect(text).toContain("| postgres | preset `postgres` | 127.0.0.1:5433 |");
    expect(text).toContain("`compose.proxy.yaml` (routing)");
    // Only routed services have a URL: cache is reached on its own port.
    expect(text).not.toMatch(/\| cache \| http/);
    expect(text).not.toContain("compose.tools.yaml");
    expect(text).not.toContain("proxy/nginx/default.conf");
  });

  it("without a proxy there is no URL table; nginx names its config; tools and jumpbox are explained", () => {
    const none = readme(["postgres"], { api: { template: "python-http" } }, { API_PORT: "8000" });
    expect(none).not.toContain("## URLs");
    expect(none).not.toContain("compose.proxy.yaml");
    expect(none).toContain("| postgres | preset `postgres` | - |");
    const nginx = readme(["nginx", "jumpbox"], { api: { template: "python-http", route: "/api" }, worker: { image: "busybox" } }, { PROXY_PORT: "8080" });
    expect(nginx).toContain("## URLs");
    expect(nginx).not.toContain("Traefik dashboard");
    expect(nginx).toContain("`proxy/nginx/default.conf` are generated");
    expect(nginx).toContain("`compose.tools.yaml` (jumpbox)");
    expect(nginx).toContain("docker compose run --rm jumpbox bash");
    expect(nginx).toContain("| worker | image `busybox` | - |");
    expect(nginx).toContain("| api | `services/api/` | - |");
  });

  it("an add-on without a host port of its own is listed without one", () => {
    const portless: Preset = { ...presets.get("redis")!, name: "queue", env: { QUEUE_TOKEN: { secret: true } } };
    const registry: PresetRegistry = { get: (n) => (n === "queue" ? portless : presets.get(n)), names: (k) => presets.names(k) };
    const stack: StackConfig = { version: 1, name: "shop", presets: ["queue"], services: {}, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [] };
    expect(renderReadme(stack, registry, [], { QUEUE_TOKEN: "s3cret" })).toContain("| queue | preset `queue` | - |");
  });

  it("a service without a port shows none, even if .env still has one from before", () => {
    const text = readme([], { worker: { image: "busybox" } }, { WORKER_PORT: "8005" });
    expect(text).toContain("| worker | image `busybox` | - |");
  });

  it("a proxy without a known port has no URL table", () => {
    expect(readme(["nginx"], { api: { template: "python-http", route: "/api" } }, {})).not.toContain("## URLs");
  });
});

describe("templates", () => {
  it("@/ names the shared templates folder, anything else is beside the preset", () => {
    expect(templatePath("/p/presets/x", "@/python/Dockerfile.hbs")).toMatch(/templates\/python\/Dockerfile\.hbs$/);
    expect(templatePath("/p/presets/x", "app.py.hbs")).toBe("/p/presets/x/app.py.hbs");
  });

  it("render free text without HTML escaping, and refuse a missing variable", () => {
    const dir = mkdtempSync(join(tmpdir(), "tpl-"));
    writeFileSync(join(dir, "t.hbs"), "location {{route}} { return 200 \"<{{name}}> & co\"; }");
    expect(renderTemplate(join(dir, "t.hbs"), { route: "/a", name: "b" })).toBe('location /a { return 200 "<b> & co"; }');
    expect(() => renderTemplate(join(dir, "t.hbs"), { route: "/a" })).toThrow(/"name" not defined/);
  });
});
