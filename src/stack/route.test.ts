import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { parseStack } from "./parse-stack.js";
import { compareRoutes, routeProblem } from "./route.js";
import { validateStack } from "./validate-stack.js";

function routeError(route: string): StackError | undefined {
  const parsed = parseStack(`version: 1\nname: shop\npresets: [nginx]\nservices:\n  api: { template: python-http, route: ${JSON.stringify(route)} }\n`);
  try {
    validateStack(parsed.config, loadPresets(), parsed);
    return undefined;
  } catch (err) {
    return err as StackError;
  }
}

describe("a route must be safe in every place a proxy config carries it", () => {
  it("refuses unsafe characters anywhere in the route, not only in its last segment", () => {
    for (const bad of ["/a;b/c", "/a b/c", "/a`b/c", "/a{b}/c", "/$x/c", "/a'b/c", "/a\"b/c", "/a(b)/c"]) {
      expect(routeProblem(bad), bad).toMatch(/has characters a proxy rule cannot carry safely/);
      expect(routeError(bad), bad).toMatchObject({ code: "E_ROUTE_INVALID", location: { line: 5 }, hint: expect.stringMatching(/path prefix .* e\.g\. \/api/) });
    }
  });

  it("refuses unsafe characters after a safe route too", () => {
    for (const bad of ["/a/c;", "/api/x y", "/api\n/x"]) expect(routeProblem(bad), JSON.stringify(bad)).toBeDefined();
  });

  it("says what is wrong and how to write it", () => {
    expect(routeProblem("api")).toBe('route "api" must start with "/" (e.g. /api)');
    expect(routeProblem("/api/")).toBe('route "/api/" must not end with "/" (use /api)');
    expect(routeProblem("/api//")).toBe('route "/api//" must not end with "/" (use /api)');
    expect(routeProblem("/a//b")).toMatch(/cannot carry safely/);
  });

  it("accepts the root, nested prefixes and the unreserved characters", () => {
    for (const good of ["/", "/api", "/api/admin", "/v1.2/x_y-z~", "/A9"]) {
      expect(routeProblem(good), good).toBeUndefined();
      expect(routeError(good), good).toBeUndefined();
    }
  });
});

describe("route order", () => {
  it("deeper prefixes come before the prefixes they extend, siblings by name, the root last", () => {
    const routes = ["/", "/billing", "/api", "/api/admin", "/api/admin/audit", "/a"];
    expect([...routes].sort(compareRoutes)).toEqual(["/api/admin/audit", "/api/admin", "/a", "/api", "/billing", "/"]);
    expect(compareRoutes("/api", "/api")).toBe(0);
    expect(compareRoutes("/", "/x")).toBeGreaterThan(0);
    expect(compareRoutes("/x", "/")).toBeLessThan(0);
  });
});
