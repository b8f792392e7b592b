import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { PRESETS_DIR } from "../fs/package-paths.js";
import { checkPreset } from "./check-preset.js";
import { loadPresets } from "./load-presets.js";

function errorsOf(fn: () => unknown): StackError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StackErrors) return err.errors;
    if (err instanceof StackError) return [err];
    throw err;
  }
  return [];
}

describe("preset.yaml schema", () => {
  it("every shipped preset passes it", () => {
    const presets = loadPresets();
    expect(presets.names().length).toBeGreaterThanOrEqual(10);
    for (const name of presets.names()) expect(presets.get(name)!.name).toBe(name);
  });

  it("reports each problem at file:line:col", () => {
    const text = [
      "name: broken",
      "kind: service",
      "defaults: { name: api, port: 99999 }",
      "rebuild_on: Dockerfile",
      "env:",
      "  DB_PASSWORD: { secret: true, value: x }",
      "layers:",
      "  base: {}",
      "  staging: {}",
      "typo: 1",
    ].join("\n");
    const errors = errorsOf(() => checkPreset(text, "presets/broken/preset.yaml"));
    const shown = errors.map((e) => `${e.location?.line}:${e.location?.col} ${e.message}`);
    expect(shown).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^3:\d+ invalid preset: defaults\.port must be <= 65535/),
        expect.stringMatching(/^4:13 invalid preset: rebuild_on must be array/),
        expect.stringMatching(/^6:16 invalid preset: env\.DB_PASSWORD/),
        expect.stringMatching(/^9:3 invalid preset: unknown key "staging" in layers/),
        expect.stringMatching(/^10:1 invalid preset: unknown key "typo"/),
      ]),
    );
    expect(errors.every((e) => e.location?.file === "presets/broken/preset.yaml" && e.code === "E_PRESET_INVALID")).toBe(true);
  });

  it("a proxy preset must say how routes reach it; a service preset needs defaults", () => {
    expect(errorsOf(() => checkPreset("name: caddy\nkind: proxy\n", "p.yaml")).map((e) => e.message)).toEqual([
      'invalid preset: (top level): missing required key "proxy"',
    ]);
    expect(errorsOf(() => checkPreset("name: svc\nkind: service\n", "p.yaml")).map((e) => e.message)).toEqual([
      'invalid preset: (top level): missing required key "defaults"',
    ]);
  });

  it("a folder whose preset.yaml is broken stops the load, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "presets-"));
    mkdirSync(join(dir, "bad"));
    writeFileSync(join(dir, "bad", "preset.yaml"), "name: other\nkind: addon\n");
    expect(() => loadPresets(dir).names()).toThrow(/name "other" must match its folder "bad"/);
  });
});

describe("preset.yaml problems, each reported once where it is", () => {
  const shown = (text: string) => errorsOf(() => checkPreset(text, "p.yaml")).map((e) => `${e.location?.line}:${e.location?.col} ${e.message}`);

  it("every problem once, no summary line beside the one that says what is wrong", () => {
    const text = ["name: broken", "kind: service", "defaults: { name: api, port: 99999 }", "rebuild_on: Dockerfile", "env:", "  DB_PASSWORD: { secret: true, value: x }", "layers:", "  base: {}", "  staging: {}", "typo: 1"].join("\n");
    expect(shown(text).sort()).toEqual([
      '10:1 invalid preset: unknown key "typo" in (top level)',
      "3:30 invalid preset: defaults.port must be <= 65535",
      "4:13 invalid preset: rebuild_on must be array",
      "6:16 invalid preset: env.DB_PASSWORD must match exactly one schema in oneOf",
      '9:3 invalid preset: unknown key "staging" in layers',
    ]);
  });

  it("YAML syntax errors and duplicate keys are reported at their line, before any schema check", () => {
    expect(shown("name: a\nkind: addon\nname: b\n")).toEqual(["3:1 invalid preset: YAML syntax error: Map keys must be unique"]);
    expect(shown("name: a\nkind: addon\nenv: [\n")).toEqual([
      "4:1 invalid preset: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("a problem inside a list item or under a key with / or ~ is named and placed by its real path", () => {
    expect(shown("name: a\nkind: addon\nfiles:\n  - { template: x.hbs, path: x, owner: starter }\n  - { template: y.hbs, path: y, owner: starter, extra: 1 }\n")).toEqual([
      '5:49 invalid preset: unknown key "extra" in files.1',
    ]);
    expect(shown("name: a\nkind: addon\nenv:\n  \"A/B~C\": { secret: maybe }\n")).toContain("4:22 invalid preset: env.A/B~C.secret must be equal to constant");
  });

  it("an env entry that is none of value, secret or port is one problem, on one line", () => {
    expect(shown("name: a\nkind: addon\nenv:\n  TOKEN: {}\n  KEY: {}\n")).toEqual([
      "4:10 invalid preset: env.TOKEN needs one of value, secret, port",
      "5:8 invalid preset: env.KEY needs one of value, secret, port",
    ]);
  });

  it("a problem in the eleventh item of a list is placed at that item", () => {
    const files = Array.from({ length: 11 }, (_, i) => `  - { template: t${i}.hbs, path: p${i}, owner: ${i === 10 ? "nobody" : "starter"} }`);
    expect(shown(["name: a", "kind: addon", "files:", ...files].join("\n") + "\n")).toEqual(["14:44 invalid preset: files.10.owner must be one of generated, starter"]);
  });

  it("a key missing at the top is reported at the file's first line", () => {
    expect(shown("\n\nkind: addon\n")).toEqual(['3:1 invalid preset: (top level): missing required key "name"']);
  });
});

describe("a new proxy is a preset folder", () => {
  it("a copy of a shipped proxy under another name routes with the same renderer, no code change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "presets-"));
    for (const name of ["python-http", "traefik"]) {
      mkdirSync(join(dir, name));
      for (const f of ["preset.yaml", "app.py.hbs"]) {
        try {
          writeFileSync(join(dir, name, f), readFileSync(join(PRESETS_DIR, name, f), "utf8"));
        } catch {
          // not every preset has every file
        }
      }
    }
    mkdirSync(join(dir, "edge"));
    writeFileSync(join(dir, "edge", "preset.yaml"), readFileSync(join(PRESETS_DIR, "traefik", "preset.yaml"), "utf8").replace("name: traefik", "name: edge").replace(/^\s+default: true\n/m, "").replace(/^ {6}traefik:$/m, "      edge:"));
    const presets = loadPresets(dir);
    expect(presets.names("proxy")).toEqual(["edge", "traefik"]);
    const { buildLayers } = await import("../render/compose-layers.js");
    const { resolveServices } = await import("../stack/resolve-services.js");
    const stack = { version: 1 as const, name: "p", presets: ["edge"], services: { api: { template: "python-http", port: 8000, route: "/api" } }, images: {}, health: { interval: "3s", timeout: "3s", retries: 20, start_period: "30s" }, ignore: [] };
    const layers = buildLayers(stack, presets, resolveServices(stack, presets));
    const proxy = layers.get("proxy")!;
    expect(Object.keys(proxy.services).sort()).toEqual(["api", "edge", "socket-proxy"]);
    expect((proxy.services.api!.labels as Record<string, string>)["traefik.http.routers.p-api.rule"]).toBe("PathPrefix(`/api`)");
  });
});
