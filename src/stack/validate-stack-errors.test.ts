import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import { parseStack } from "./parse-stack.js";
import { validateStack } from "./validate-stack.js";

const bundled = loadPresets();

/** What the author of a stack.yaml that parses sees from the cross-checks: code, message, file:line:col, hint. */
function problems(text: string, presets: PresetRegistry = bundled): { code: string; message: string; at: string; hint: string | undefined }[] {
  const parsed = parseStack(text, "stack.yaml");
  try {
    validateStack(parsed.config, presets, parsed);
  } catch (err) {
    const errors = err instanceof StackErrors ? err.errors : err instanceof StackError ? [err] : undefined;
    if (!errors) throw err;
    return errors.map((e) => ({ code: e.code, message: e.message, at: `${e.location?.file}:${e.location?.line}:${e.location?.col}`, hint: e.hint }));
  }
  return [];
}

const stack = (presets: string, ...serviceLines: string[]) =>
  `version: 1\nname: shop\npresets: [${presets}]\nservices:\n${serviceLines.map((l) => `  ${l}\n`).join("") || "  {}\n"}`;

const SOURCES = "keep one: a template builds starter code, build uses your own Dockerfile, an image runs as is";

describe("stack.yaml cross-checks: each problem with what to do, at its place", () => {
  const cases: [string, string, string, string, string, string | undefined][] = [
    // [what, stack.yaml, code, message, file:line:col, hint]
    ["a build folder and an image", stack("", "api:", "  build: services/api", "  image: nginx"),
      "E_SOURCE_CONFLICT", 'service "api" sets both image and build', "stack.yaml:6:12", SOURCES],
    ["a template and a build folder", stack("", "api:", "  template: python-http", "  build: services/api"),
      "E_SOURCE_CONFLICT", 'service "api" sets both template and build', "stack.yaml:7:12", SOURCES],
    ["a Dockerfile without a build folder", stack("", "api:", "  image: nginx", "  dockerfile: Dockerfile.dev"),
      "E_DOCKERFILE_WITHOUT_BUILD", 'service "api" sets dockerfile without build', "stack.yaml:7:17", "add build: with the folder to build from"],
    ["an HTTP healthcheck without a port", stack("", "api:", "  image: nginx", "  healthcheck: { http: /health }"),
      "E_HEALTH_NO_PORT", 'service "api" has an HTTP healthcheck but no port', "stack.yaml:7:18", "set port: to the port the service listens on"],
    ["a template's code at the project root", stack("", "api:", "  template: python-http", "  path: ."),
      "E_PATH_ROOT", 'service "api": path "." is the project root', "stack.yaml:7:11",
      "starter files would land beside stack.yaml and .env would be copied into the image: use a folder such as services/api"],
    ["a project name YAML 1.1 reads as a boolean", "version: 1\nname: yes\n",
      "E_INVALID_NAME", 'project name "yes" reads as a boolean in YAML 1.1 (docker-compose v1)', "stack.yaml:2:7", "choose another name"],
    ["a service name YAML 1.1 reads as a boolean", stack("", "no: { image: nginx }"),
      "E_INVALID_NAME", 'service name "no" reads as a boolean in YAML 1.1 (docker-compose v1)', "stack.yaml:5:3", "choose another name"],
    ["a service name YAML 1.1 reads as null", stack("", "'null': { image: nginx }"),
      "E_INVALID_NAME", 'service name "null" reads as a null in YAML 1.1 (docker-compose v1)', "stack.yaml:5:3", "choose another name"],
    ["two proxies, at the second", stack("postgres, redis, traefik, nginx"),
      "E_PRESET_CONFLICT", 'presets "traefik" and "nginx" cannot be used together', "stack.yaml:3:37", "a stack has one proxy: keep one of traefik, nginx"],
    ["a service template listed as a preset", stack("fastapi"),
      "E_PRESET_KIND", '"fastapi" is a service template, not a preset to list here', "stack.yaml:3:11",
      "add it under services: with template: fastapi (or run: dev add service api --template fastapi)"],
  ];
  it.each(cases)("%s", (_what, text, code, message, at, hint) => {
    expect(problems(text)).toEqual([{ code, message, at, hint }]);
  });

  it("a build folder at the project root is fine: only a template writes starter files there", () => {
    expect(problems(stack("", "api:", "  build: ."))).toEqual([]);
  });
});
