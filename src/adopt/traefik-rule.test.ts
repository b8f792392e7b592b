import { describe, expect, it } from "vitest";
import { mapNode, scalarNode } from "../compose/compose-node.js";
import { parseTraefikLabels } from "../compose/traefik-labels.js";
import { parseTraefikRule } from "./traefik-rule.js";
import { traefikRoutes, type LabelledService } from "./traefik-routes.js";

const m = (over: Partial<Record<"hosts" | "hostRegexps" | "pathPrefixes" | "paths" | "others", string[]>>) => ({ hosts: [], hostRegexps: [], pathPrefixes: [], paths: [], others: [], ...over });

describe("parseTraefikRule", () => {
  it.each([
    ["PathPrefix(`/api`)", [m({ pathPrefixes: ["/api"] })]],
    ["Path(`/health`)", [m({ paths: ["/health"] })]],
    ["Host(`a.test`) && PathPrefix(`/x`)", [m({ hosts: ["a.test"], pathPrefixes: ["/x"] })]],
    ["Host(`a.test`) || Host(`b.test`)", [m({ hosts: ["a.test"] }), m({ hosts: ["b.test"] })]],
    ["Host(`a.test`, `b.test`)", [m({ hosts: ["a.test"] }), m({ hosts: ["b.test"] })]],
    ["Host(`a`) && (PathPrefix(`/p`) || PathPrefix(`/q`))", [m({ hosts: ["a"], pathPrefixes: ["/p"] }), m({ hosts: ["a"], pathPrefixes: ["/q"] })]],
    ["HostRegexp(`{sub:[a-z]+}.test`)", [m({ hostRegexps: ["{sub:[a-z]+}.test"] })]],
    ["PathPrefix(`/api`) && Method(`GET`)", [m({ pathPrefixes: ["/api"], others: ["Method(`GET`)"] })]],
    ['PathPrefix("/dq")', [m({ pathPrefixes: ["/dq"] })]],
  ])("%s", (rule, matches) => {
    expect(parseTraefikRule(rule)).toEqual({ ok: true, matches });
  });

  it.each([
    ["!PathPrefix(`/x`)", /negation/],
    ["PathPrefix(`/app1{regex:$$|/.*}`)", /path template/],
    ["PathPrefix(`/x`", /"\)" closing PathPrefix before the end \(column 16\)/],
    ["Hots(`a.test`)", /unknown matcher Hots \(column 1\)/],
    ["PathPrefix(`/x`) &&", /unexpected|expected/],
    ["Host(a.test)", /unexpected "\." \(column 7\)/],
    ["Host(`a.test`, b)", /expected a quoted argument, found "b"/],
  ])("%s is refused with a reason", (rule, reason) => {
    const r = parseTraefikRule(rule);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

/** A service whose labels are written one a line (line 1 the first), read by the shared label reader. */
const svc = (name: string, labels: Record<string, string>): LabelledService => {
  const at = (i: number) => ({ file: "c.yml", line: i + 1, col: 1 });
  return { name, traefik: parseTraefikLabels(mapNode(at(0), Object.entries(labels).map(([k, v], i) => ({ key: k, keyOrigin: at(i), value: scalarNode(at(i), v) })))) };
};

describe("traefikRoutes", () => {
  it("a router's rule, its load balancer port and a stripprefix defined on another service", () => {
    const { routes, unmapped } = traefikRoutes([
      svc("proxy", { "traefik.http.middlewares.strip-api.stripprefix.prefixes": "/api" }),
      svc("api", {
        "traefik.enable": "true",
        "traefik.http.routers.api.rule": "PathPrefix(`/api`)",
        "traefik.http.routers.api.middlewares": "strip-api@docker, auth@file",
        "traefik.http.services.api.loadbalancer.server.port": "8000",
      }),
    ]);
    expect(unmapped).toEqual([]);
    expect(routes.get("api")).toEqual([{ router: "api", path: "/api", exact: false, strip: ["/api"], port: 8000, at: { file: "c.yml", line: 2, col: 1 } }]);
  });

  it("lists a router without a rule, a middleware defined nowhere, and a rule it cannot read", () => {
    const { routes, unmapped } = traefikRoutes([
      svc("web", {
        "traefik.http.routers.a.entrypoints": "web",
        "traefik.http.routers.b.rule": "Host(`b.test`)",
        "traefik.http.routers.b.middlewares": "missing",
        "traefik.http.routers.c.rule": "!Host(`c.test`)",
      }),
      svc("off", { "traefik.enable": "false", "traefik.http.routers.d.rule": "Host(`d`)" }),
    ]);
    expect(unmapped.map((u) => [u.what, u.reason])).toEqual([
      ["router a", "it has no rule"],
      ["router b middleware missing", "it is defined nowhere in the merged project"],
      ["router c rule !Host(`c.test`)", "it uses ! (a negation), which matches everything but something"],
    ]);
    expect(routes.get("web")).toEqual([{ router: "b", host: "b.test", exact: false, strip: [], at: { file: "c.yml", line: 2, col: 1 } }]);
    expect(routes.has("off")).toBe(false);
  });

  it("the same host on an http and an https router is one route", () => {
    const { routes } = traefikRoutes([
      svc("web", { "traefik.http.routers.w-http.rule": "Host(`w.test`)", "traefik.http.routers.w-https.rule": "Host(`w.test`)" }),
    ]);
    expect(routes.get("web")).toHaveLength(1);
  });

  it("reads label keys in any case and @Docker references, as Traefik and dev lint do", () => {
    const { routes, unmapped } = traefikRoutes([
      svc("api", {
        "traefik.http.Routers.api.Rule": "PathPrefix(`/api`)",
        "traefik.http.routers.api.middlewares": "strip@Docker",
        "traefik.http.middlewares.strip.StripPrefix.Prefixes": "/api",
        "traefik.http.services.api.LoadBalancer.server.port": "8000",
      }),
    ]);
    expect(unmapped).toEqual([]);
    expect(routes.get("api")).toEqual([{ router: "api", path: "/api", exact: false, strip: ["/api"], port: 8000, at: { file: "c.yml", line: 1, col: 1 } }]);
  });
});
