import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { interpolate, interpolateString } from "./interpolate.js";
import { loadPresets } from "./load-presets.js";
import { presetServiceNames } from "./preset-services.js";
import { defaultProxy, proxyPresetOf, proxyServiceOf } from "./stack-proxy.js";

const vars = { project: "shop", name: "api", path: "services/api", port: "8000", route: "/api", envName: "API" };

function caught(fn: () => unknown): StackError {
  try {
    fn();
  } catch (err) {
    return err as StackError;
  }
  throw new Error("expected an error");
}

describe("placeholders", () => {
  it("fills {{var}} with or without spaces, as often as it appears", () => {
    expect(interpolateString("./{{path}}:/app {{ name }}-{{name}}", vars, "x")).toBe("./services/api:/app api-api");
    expect(interpolateString("no placeholders, ${COMPOSE} stays", vars, "x")).toBe("no placeholders, ${COMPOSE} stays");
    expect(interpolateString("{{1x}} {x}", vars, "x")).toBe("{{1x}} {x}");
  });

  it("an unknown placeholder is an error naming where and the known ones, never an empty string", () => {
    const err = caught(() => interpolateString("a {{nmae}} b", vars, "preset python-http"));
    expect(err).toBeInstanceOf(StackError);
    expect(err).toMatchObject({ code: "E_PRESET_PLACEHOLDER", message: "preset python-http: unknown placeholder {{nmae}}", exitCode: 1 });
    expect(err.hint).toBe("known placeholders: project, name, path, port, route, envName");
  });

  it("fills every string of a parsed value, keys included, and leaves other values alone", () => {
    const value = { "{{name}}": { build: { context: "./{{path}}" }, ports: ["{{port}}", 5], init: true, healthcheck: null, retries: 3 } };
    expect(interpolate(value, vars, "x")).toEqual({ api: { build: { context: "./services/api" }, ports: ["8000", 5], init: true, healthcheck: null, retries: 3 } });
    expect(interpolate("{{project}}", vars, "x")).toBe("shop");
    expect(interpolate(undefined, vars, "x")).toBeUndefined();
    expect(() => interpolate({ a: ["{{ghost}}"] }, vars, "x")).toThrow(/unknown placeholder \{\{ghost\}\}/);
    expect(() => interpolate({ "{{ghost}}": 1 }, vars, "x")).toThrow(/unknown placeholder \{\{ghost\}\}/);
  });

  it("a value that looks like YAML cannot change the structure: it stays one string", () => {
    expect(interpolate({ env: "{{name}}" }, { ...vars, name: "x\n  injected: true" }, "x")).toEqual({ env: "x\n  injected: true" });
  });
});

function presetsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "presets-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("loading presets", () => {
  it("every folder with a preset.yaml is a preset, with defaults for what it leaves out", () => {
    const dir = presetsDir({
      "cache/preset.yaml": "name: cache\nkind: addon\n",
      "web/preset.yaml": "name: web\nkind: service\ndefaults: { name: web, port: 3000 }\nrequirements: [flask]\nshares_code: true\n",
      "notes/README.md": "not a preset",
      "stray.yaml": "name: stray\nkind: addon\n",
    });
    const registry = loadPresets(dir);
    expect(registry.names()).toEqual(["cache", "web"]);
    expect(registry.names("service")).toEqual(["web"]);
    expect(registry.names("proxy")).toEqual([]);
    expect(registry.get("cache")).toEqual({
      name: "cache", kind: "addon", description: "", requires: [], conflicts: [], env: {}, connection: {}, layers: {}, files: [],
      shares_code: false, connect_all: false, rebuild_on: ["Dockerfile"], reload: "restart", dir: join(dir, "cache"),
    });
    expect(registry.get("web")).toMatchObject({ defaults: { name: "web", port: 3000 }, requirements: ["flask"], shares_code: true });
    expect(registry.get("ghost")).toBeUndefined();
    expect(loadPresets(dir)).toBe(registry);
  });

  it("names are listed sorted", () => {
    const registry = loadPresets(presetsDir({ "b/preset.yaml": "name: b\nkind: tool\n", "a/preset.yaml": "name: a\nkind: tool\n", "c/preset.yaml": "name: c\nkind: proxy\nproxy: { renderer: nginx, port_env: PROXY_PORT }\n" }));
    expect(registry.names()).toEqual(["a", "b", "c"]);
    expect(registry.names("tool")).toEqual(["a", "b"]);
  });

  it("a broken preset is an error naming its file and what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["", /invalid preset: \(top level\) must be object/],
      ["just text", /invalid preset: \(top level\) must be object/],
      ["name: other\nkind: addon\n", /name "other" must match its folder "bad"/],
      ["name: bad\n", /missing required key "kind"/],
      ["name: bad\nkind: plugin\n", /kind must be one of addon, proxy, tool, service/],
      ["name: bad\nkind: service\n", /missing required key "defaults"/],
      ["name: bad\nkind: service\ndefaults: { port: 1 }\n", /defaults: missing required key "name"/],
    ];
    for (const [text, message] of cases) {
      const dir = presetsDir({ "bad/preset.yaml": text });
      const err = caught(() => loadPresets(dir));
      expect(err, text).toMatchObject({ code: "E_PRESET_INVALID", exitCode: 1, location: { file: join(dir, "bad", "preset.yaml") } });
      expect(err.message, text).toMatch(message);
    }
  });

  it("the shipped presets load, each of a known kind", () => {
    const registry = loadPresets();
    expect(registry.names("addon")).toEqual(expect.arrayContaining(["postgres", "redis"]));
    expect(registry.names("proxy")).toEqual(expect.arrayContaining(["nginx", "traefik"]));
    expect(registry.names("service")).toEqual(expect.arrayContaining(["fastapi", "python-http", "worker"]));
    for (const name of registry.names()) expect(["addon", "proxy", "tool", "service"]).toContain(registry.get(name)!.kind);
  });
});

describe("the stack's proxy", () => {
  it("a new stack's proxy is the preset marked default; a stack's proxy is found among its presets", () => {
    const registry = loadPresets();
    expect(defaultProxy(registry)).toBe("traefik");
    expect(proxyPresetOf(["postgres", "ghost", "nginx"], registry)?.name).toBe("nginx");
    expect(proxyPresetOf(["postgres", "redis"], registry)).toBeUndefined();
    expect(proxyServiceOf(registry.get("nginx")!)).toBe("nginx");
    expect(proxyServiceOf(registry.get("postgres")!)).toBeUndefined();
    expect(defaultProxy(loadPresets(presetsDir({ "p/preset.yaml": "name: p\nkind: proxy\nproxy: { renderer: nginx, port_env: PROXY_PORT }\n" })))).toBeUndefined();
  });

  it("a preset whose name does not match its folder is reported at its name line", () => {
    const dir = presetsDir({ "bad/preset.yaml": "# display name: Other\nkind: addon\nname: other\n" });
    expect(caught(() => loadPresets(dir)).location).toEqual({ file: join(dir, "bad", "preset.yaml"), line: 3, col: 1 });
  });
});

describe("services a preset defines", () => {
  it("lists each compose service once, across layers and presets, ignoring unknown presets", () => {
    const registry = loadPresets();
    expect(presetServiceNames(["postgres", "redis", "nginx"], registry).sort()).toEqual(["nginx", "postgres", "redis"]);
    expect(presetServiceNames(["ghost"], registry)).toEqual([]);
    expect(presetServiceNames([], registry)).toEqual([]);
    const dir = presetsDir({
      "two/preset.yaml": "name: two\nkind: tool\nlayers:\n  base: { services: { a: {}, b: {} } }\n  dev: { services: { a: {} } }\n  tools: {}\n",
    });
    expect(presetServiceNames(["two", "two"], loadPresets(dir))).toEqual(["a", "b"]);
  });
});
