import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { parseStack } from "./parse-stack.js";
import { compareRoutes, routeProblem } from "./route.js";
import { validateStack } from "./validate-stack.js";

const presets = loadPresets();

function codes(text: string): string[] {
  const parsed = parseStack(text);
  try {
    validateStack(parsed.config, presets, parsed);
    return [];
  } catch (err) {
    if (err instanceof StackErrors) return err.errors.map((e) => e.code);
    if (err instanceof StackError) return [err.code];
    throw err;
  }
}

const stack = (presetsLine: string, services: string) => `version: 1\nname: shop\npresets: ${presetsLine}\nservices:\n${services}`;

describe("validateStack", () => {
  it("accepts the default stack", () => {
    expect(codes(stack("[postgres, redis, traefik]", "  api: { template: python-http, port: 8000, route: /api, depends_on: [postgres] }\n  worker: { template: worker, path: services/api, depends_on: [redis] }\n"))).toEqual([]);
  });

  it("names unknown presets and lists the known ones", () => {
    const parsed = parseStack(stack("[mongo]", "  {}\n").replace("  {}\n", "  {}"));
    expect(() => validateStack(parsed.config, presets, parsed)).toThrow(/unknown preset "mongo"/);
    try {
      validateStack(parsed.config, presets, parsed);
    } catch (err) {
      expect((err as StackError).hint).toContain("postgres");
      expect((err as StackError).location).toMatchObject({ line: 3 });
    }
  });

  it("refuses traefik with nginx, a worker without redis, and a template with an image", () => {
    expect(codes(stack("[traefik, nginx]", "  {}"))).toEqual(["E_PRESET_CONFLICT"]);
    expect(codes(stack("[]", "  worker: { template: worker }\n"))).toEqual(["E_PRESET_REQUIRED"]);
    expect(codes(stack("[]", "  api: { template: python-http, image: nginx }\n"))).toEqual(["E_TEMPLATE_AND_IMAGE"]);
  });

  it("checks routes: leading slash, unsafe characters, duplicates, a proxy to route through", () => {
    expect(codes(stack("[nginx]", "  a: { template: python-http, route: api }\n"))).toEqual(["E_ROUTE_INVALID"]);
    expect(codes(stack("[nginx]", "  a: { template: python-http, route: '/a b' }\n"))).toEqual(["E_ROUTE_INVALID"]);
    expect(codes(stack("[nginx]", "  a: { template: python-http, route: /a }\n  b: { template: python-http, route: /a }\n"))).toEqual(["E_ROUTE_DUPLICATE"]);
    expect(codes(stack("[]", "  a: { template: python-http, route: /a }\n"))).toEqual(["E_ROUTE_NO_PROXY"]);
    expect(codes(stack("[nginx]", "  a: { template: python-http, route: /a }\n  b: { template: python-http, route: /a/b }\n"))).toEqual([]);
  });

  it("checks dependencies and names taken by presets", () => {
    expect(codes(stack("[postgres]", "  api: { template: python-http, depends_on: [ghost] }\n"))).toEqual(["E_UNKNOWN_DEPENDENCY"]);
    expect(codes(stack("[postgres]", "  postgres: { image: postgres:16 }\n"))).toEqual(["E_NAME_TAKEN"]);
    expect(codes(stack("[]", "  api: { template: rails }\n"))).toEqual(["E_UNKNOWN_TEMPLATE"]);
    expect(codes(stack("[]", "  api: { template: python-http, path: ../elsewhere }\n"))).toEqual(["E_PATH_OUTSIDE"]);
  });
});

describe("routes", () => {
  it("rejects what would break a Traefik rule or an nginx location", () => {
    for (const bad of ["api", "/api/", "/a`b", "/a b", "/a;b", "/a{b}", "/$x", "/a)b"]) expect(routeProblem(bad), bad).toBeDefined();
    for (const good of ["/", "/api", "/api/admin", "/v1.2/x_y-z~"]) expect(routeProblem(good), good).toBeUndefined();
  });

  it("orders the most specific first", () => {
    expect(["/", "/api", "/api/admin", "/billing"].sort(compareRoutes)).toEqual(["/api/admin", "/api", "/billing", "/"]);
  });
});
