import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planAddPreset } from "../../src/edit/plan-add-preset.js";
import { StackError, StackErrors } from "../../src/errors/stack-error.js";
import { resolveServices } from "../../src/stack/resolve-services.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import type { Project } from "../../src/stack/load-project.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { FIXTURES } from "./plan-fixture.js";

function project(): Project {
  const parsed = parseStack(readFileSync(join(FIXTURES, "add-billing", "stack.yaml"), "utf8"));
  const presets = loadPresets();
  return { root: "/project", stackFile: "/project/stack.yaml", parsed, presets, services: resolveServices(parsed.config, presets) };
}

function refusal(name: string): StackError {
  try {
    planAddPreset(project(), name);
  } catch (err) {
    if (err instanceof StackErrors) return err.errors[0]!;
    if (err instanceof StackError) return err;
    throw err;
  }
  throw new Error(`accepted: ${name}`);
}

describe("dev add preset: the rules are stack.yaml's, reported under the command's name", () => {
  it("refuses unknown presets, templates, conflicts and duplicates, with no stack.yaml location", () => {
    const cases: [string, string, RegExp][] = [
      ["mongo", "E_UNKNOWN_PRESET", /^dev add preset mongo: unknown preset "mongo"/],
      ["fastapi", "E_PRESET_KIND", /^dev add preset fastapi: "fastapi" is a service template/],
      ["traefik", "E_PRESET_CONFLICT", /cannot be used together/],
      ["redis", "E_PRESET_PRESENT", /^the stack already has redis$/],
    ];
    for (const [name, code, message] of cases) {
      const err = refusal(name);
      expect(err.code, name).toBe(code);
      expect(err.message, name).toMatch(message);
      expect(err.exitCode, name).toBe(2);
    }
    expect(refusal("mongo").location).toBeUndefined();
  });

  it("another proxy is refused with the switch to offer; --replace takes the old one's place", () => {
    const err = refusal("traefik");
    expect(err.hint).toBe("switch it: dev add preset traefik --replace nginx (routes stay; nginx's unedited generated files are deleted)");
    const next = planAddPreset(project(), "traefik", "nginx");
    expect(next.parsed.config.presets).toEqual(["postgres", "redis", "traefik"]);
    expect(next.notes).toEqual(["traefik replaces nginx"]);
    expect(next.stackText).toMatch(/^presets: \[postgres, redis, traefik\] +# no traefik here$/m);
    expect(() => planAddPreset(project(), "jumpbox", "caddy")).toThrow(expect.objectContaining({ code: "E_USAGE", message: "--replace caddy: the stack has no preset caddy" }));
  });

  it("a valid preset is appended to presets:", () => {
    const next = planAddPreset(project(), "jumpbox");
    expect(next.parsed.config.presets).toEqual(["postgres", "redis", "nginx", "jumpbox"]);
  });
});
