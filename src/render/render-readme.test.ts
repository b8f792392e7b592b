import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveServices } from "../stack/resolve-services.js";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import type { Preset } from "../presets/preset.js";
import { DEFAULT_HEALTH, type StackConfig } from "../stack/stack-config.js";
import { renderReadme } from "./render-readme.js";
import { partialsOf, renderTemplate, templatePath } from "./render-template.js";

const presets = loadPresets();
function readme(presetsList: string[], services: StackConfig["services"]): string {
  const stack: StackConfig = { version: 1, name: "shop", presets: presetsList, services, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [] };
  return renderReadme(stack, presets, resolveServices(stack, presets));
}

describe("the project's README", () => {
  it("lists routes with their HTTP and HTTPS URLs, most specific first, and the dashboard for Traefik, with ports as their .env keys", () => {
    const text = readme(["traefik", "postgres"], {
      api: { template: "python-http", route: "/api" },
      admin: { template: "python-http", route: "/api/admin" },
      cache: { image: "memcached:1.6", port: 11211 },
    });
    expect(text).toContain("| `/api/admin` | admin | http://127.0.0.1:$PROXY_PORT/api/admin | https://localhost:$PROXY_HTTPS_PORT/api/admin |\n| `/api` | api | http://127.0.0.1:$PROXY_PORT/api | https://localhost:$PROXY_HTTPS_PORT/api |\n");
    expect(text).toContain("Traefik dashboard: http://127.0.0.1:$TRAEFIK_DASHBOARD_PORT/dashboard/");
    expect(text).toContain("| api | `services/api/` | 127.0.0.1:$API_PORT |");
    expect(text).toContain("| cache | image `memcached:1.6` | 127.0.0.1:$CACHE_PORT |");
    expect(text).toContain("| postgres | preset `postgres` | 127.0.0.1:$POSTGRES_PORT |");
    expect(text).toContain("`compose.proxy.yaml` (routing)");
    // Only routed services have a URL: cache is reached on its own port.
    expect(text).not.toMatch(/\| cache \| http/);
    expect(text).not.toContain("compose.tools.yaml");
    expect(text).not.toContain("proxy/nginx/default.conf");
    // Traefik's own generated files are named among those not to edit.
    expect(text).toContain("`proxy/socket-proxy/nginx.conf`");
    expect(text).not.toMatch(/\d{4}/);
  });

  it("lists the generated files one per line, the proxy's own included (no dangling 'and')", () => {
    const traefikTools = readme(["traefik", "jumpbox"], { api: { template: "python-http", route: "/api" } });
    expect(traefikTools).toContain(
      "`COMPOSE_FILE` in `.env`):\n  - `compose.yaml` (base)\n  - `compose.dev.yaml` (source mounts, host ports, the dev process supervisor)\n" +
        "  - `compose.proxy.yaml` (routing)\n  - `compose.tools.yaml` (jumpbox)\n  - `proxy/socket-proxy/nginx.conf`\n  - `proxy/socket-proxy/engine-filter.js`\n  - `proxy/traefik/tls.yaml`\n- `.env` holds",
    );
    const none = readme([], { api: { template: "python-http" } });
    expect(none).toContain("  - `compose.dev.yaml` (source mounts, host ports, the dev process supervisor)\n- `.env` holds");
    for (const text of [traefikTools, none]) expect(text).not.toMatch(/ and\s*$/m);
  });

  it("without a proxy there is no URL table; nginx names its config; tools and jumpbox are explained", () => {
    const none = readme(["postgres"], { api: { template: "python-http" } });
    expect(none).not.toContain("## URLs");
    expect(none).not.toContain("compose.proxy.yaml");
    expect(none).toContain("| postgres | preset `postgres` | 127.0.0.1:$POSTGRES_PORT |");
    const nginx = readme(["nginx", "jumpbox"], { api: { template: "python-http", route: "/api" }, worker: { image: "busybox" } });
    expect(nginx).toContain("## URLs");
    expect(nginx).not.toContain("dashboard");
    expect(nginx).toContain("  - `compose.tools.yaml` (jumpbox)\n  - `proxy/nginx/default.conf`\n");
    expect(nginx).toContain("docker compose run --rm jumpbox bash");
    expect(nginx).toContain("| worker | image `busybox` | - |");
    expect(nginx).toContain("| api | `services/api/` | 127.0.0.1:$API_PORT |");
  });

  it("an add-on without a host port of its own is listed without one", () => {
    const portless: Preset = { ...presets.get("redis")!, name: "queue", env: { QUEUE_TOKEN: { secret: true } } };
    const registry: PresetRegistry = { get: (n) => (n === "queue" ? portless : presets.get(n)), names: (k) => presets.names(k) };
    const stack: StackConfig = { version: 1, name: "shop", presets: ["queue"], services: {}, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [] };
    expect(renderReadme(stack, registry, [])).toContain("| queue | preset `queue` | - |");
  });

  it("a service without a port shows none", () => {
    const text = readme([], { worker: { image: "busybox" } });
    expect(text).toContain("| worker | image `busybox` | - |");
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

  it("include a shared template with {{> \"@/...\"}}: rendered in place, with the same variables, strictly", () => {
    expect(partialsOf('a\n{{> "@/python/fork-server.py.hbs"}}\n{{~> "@/x/y.hbs"}} {{> other}}')).toEqual(["@/python/fork-server.py.hbs", "@/x/y.hbs"]);
    const dir = mkdtempSync(join(tmpdir(), "tpl-"));
    writeFileSync(join(dir, "serve.py.hbs"), 'import os\n\n{{> "@/python/fork-server.py.hbs"}}\n\nrun(None)\n');
    const text = renderTemplate(join(dir, "serve.py.hbs"), { name: "jobs" });
    expect(text).toMatch(/^import os\n\n# The long-lived parent/);
    expect(text).toContain('os.environ.get("CREATE_STACK_SERVICE", "jobs")');
    expect(text).toMatch(/\ndef supervise\(listening, claim\):[\s\S]*\n\nrun\(None\)\n$/);
    expect(() => renderTemplate(join(dir, "serve.py.hbs"), {})).toThrow(/"name" not defined/);
  });
});
