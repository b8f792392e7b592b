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
    ["a service named as a preset's service", stack("redis", "redis: { image: redis }"),
      "E_NAME_TAKEN", `service name "redis" is taken by a preset's service`, "stack.yaml:5:3", "choose another name"],
    ["a service template listed as a preset", stack("fastapi"),
      "E_PRESET_KIND", '"fastapi" is a service template, not a preset to list here', "stack.yaml:3:11",
      "add it under services: with template: fastapi (or run: dev add service api --template fastapi)"],
    ["an unknown preset: the hint lists presets, not service templates", stack("mongo"),
      "E_UNKNOWN_PRESET", 'unknown preset "mongo"', "stack.yaml:3:11", "known presets: caddy, elasticsearch, jumpbox, nginx, opensearch, postgres, rabbitmq, redis, traefik"],
    ["an unknown template", stack("", "api: { template: rails }"),
      "E_UNKNOWN_TEMPLATE", 'unknown template "rails" for service "api"', "stack.yaml:5:20", "templates: django, fastapi, node, node-http, python-http, worker"],
    ["a template without the preset it needs", stack("", "w: { template: worker }"),
      "E_PRESET_REQUIRED", 'template "worker" of service "w" needs the redis preset', "stack.yaml:5:18", "add redis to presets: (or run: dev add preset redis)"],
    ["a service with nothing to run", stack("", "a: { port: 80 }"),
      "E_NO_TEMPLATE", 'service "a" needs a template, a build folder or an image', "stack.yaml:5:3",
      "templates: django, fastapi, node, node-http, python-http, worker; or build: FOLDER with your own Dockerfile"],
    ["a source path outside the project", stack("", "api: { template: python-http, path: ../x }"),
      "E_PATH_OUTSIDE", 'service "api": path "../x" must stay inside the project', "stack.yaml:5:39", "use a path relative to the folder of stack.yaml"],
    ["a build folder outside the project", stack("", "api: { build: ../api }"),
      "E_PATH_OUTSIDE", 'service "api": build "../api" must stay inside the project', "stack.yaml:5:17", "use a path relative to the folder of stack.yaml"],
    ["a Dockerfile outside the project", stack("", "api: { build: b, dockerfile: ../Dockerfile }"),
      "E_PATH_OUTSIDE", 'service "api": dockerfile "../Dockerfile" must stay inside the project', "stack.yaml:5:32", "use a path relative to the folder of stack.yaml"],
    ["a watch path outside the project", stack("", "api: { template: python-http, watch: [lib, ../x] }"),
      "E_PATH_OUTSIDE", 'service "api": watch "../x" must stay inside the project', "stack.yaml:5:40", "use a path relative to the folder of stack.yaml"],
    ["a route without a proxy", stack("", "api: { template: python-http, route: /a }"),
      "E_ROUTE_NO_PROXY", 'service "api" has a route but the stack has no proxy', "stack.yaml:5:40", "add a proxy (caddy, nginx, traefik) to presets:, or remove the route"],
    ["a route not starting with /", stack("nginx", "api: { template: python-http, route: api }"),
      "E_ROUTE_INVALID", 'route "api" must start with "/" (e.g. /api)', "stack.yaml:5:40", "a route is the path prefix the proxy sends to the service, e.g. /api or /shop/v2"],
    ["a route on a service without a port", stack("nginx", "a: { image: nginx, route: /x }"),
      "E_ROUTE_NO_PORT", 'service "a" has a route but no port', "stack.yaml:5:29", "set port: to the port the service listens on"],
  ];
  it.each(cases)("%s", (_what, text, code, message, at, hint) => {
    expect(problems(text)).toEqual([{ code, message, at, hint }]);
  });

  it("a build folder at the project root is fine: only a template writes starter files there", () => {
    expect(problems(stack("", "api:", "  build: ."))).toEqual([]);
    expect(problems(stack("", "api: { image: nginx, path: . }"))).toEqual([]);
    expect(problems(stack("", "api: { template: python-http, watch: [.] }"))).toEqual([]);
  });

  it("the project root is the root however it is written; dots inside a name are just a name", () => {
    for (const root of ["./", "./.", "."]) {
      expect(problems(stack("", `api: { template: python-http, path: ${root} }`)).map((e) => e.code), root).toEqual(["E_PATH_ROOT"]);
    }
    expect(problems(stack("", "api: { template: python-http, path: a/../../b }")).map((e) => e.code)).toEqual(["E_PATH_OUTSIDE"]);
    for (const inside of [".hidden/api", "a..b/c", "services/..a"]) expect(problems(stack("", `api: { template: python-http, path: ${inside} }`)), inside).toEqual([]);
  });

  it("a route taken twice names the service that had it first, each time", () => {
    const hint = "give each service its own prefix; nested prefixes such as /api and /api/admin are fine";
    expect(problems(stack("nginx", "a: { template: python-http, route: /x }", "b: { template: python-http, route: /x }", "c: { template: python-http, route: /x }"))).toEqual([
      { code: "E_ROUTE_DUPLICATE", message: 'route /x is used by both "a" and "b"', at: "stack.yaml:6:38", hint },
      { code: "E_ROUTE_DUPLICATE", message: 'route /x is used by both "a" and "c"', at: "stack.yaml:7:38", hint },
    ]);
  });

  it("a dependency on nothing known and on the service itself, each at its list item", () => {
    expect(problems(stack("", "a: { image: nginx, depends_on: [ghost, a] }"))).toEqual([
      { code: "E_UNKNOWN_DEPENDENCY", message: 'service "a" depends on "ghost", which is neither a service nor a preset', at: "stack.yaml:5:35", hint: "services: a; presets: none" },
      { code: "E_SELF_DEPENDENCY", message: 'service "a" depends on itself', at: "stack.yaml:5:42", hint: undefined },
    ]);
  });

  it("presets that declare each other a conflict: one error, however they are listed", () => {
    // Both search engines claim the same port and role: as two preset authors would declare it.
    const conflicting: PresetRegistry = {
      names: (kind) => bundled.names(kind),
      get: (name) => {
        const preset = bundled.get(name);
        const other = { elasticsearch: "opensearch", opensearch: "elasticsearch" }[name];
        return preset && other ? { ...preset, conflicts: [other] } : preset;
      },
    };
    const error = (at: string) => ({
      code: "E_PRESET_CONFLICT", message: 'presets "elasticsearch" and "opensearch" cannot be used together', at, hint: "keep one of elasticsearch and opensearch",
    });
    expect(problems(stack("elasticsearch, opensearch"), conflicting)).toEqual([error("stack.yaml:3:11")]);
    expect(problems(stack("postgres, opensearch, elasticsearch"), conflicting)).toEqual([error("stack.yaml:3:33")]);
    expect(problems(stack("elasticsearch, postgres"), conflicting)).toEqual([]);
  });

  it("a template preset without defaults: listed as a preset, or routed without a port", () => {
    // A new preset folder need not declare defaults (name, port): the checks must not rely on them.
    const bare: PresetRegistry = {
      names: (kind) => bundled.names(kind),
      get: (name) => {
        const preset = bundled.get(name);
        return name === "fastapi" && preset ? { ...preset, defaults: undefined } : preset;
      },
    };
    expect(problems(stack("fastapi"), bare).map((e) => e.hint)).toEqual(["add it under services: with template: fastapi (or run: dev add service fastapi --template fastapi)"]);
    expect(problems(stack("nginx", "api: { template: fastapi, route: /api }"), bare).map((e) => e.code)).toEqual(["E_ROUTE_NO_PORT"]);
    expect(problems(stack("nginx", "api: { template: fastapi, route: /api, port: 8000 }"), bare)).toEqual([]);
  });
});
