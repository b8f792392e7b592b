import { describe, expect, it } from "vitest";
import { get } from "./compose-node.js";
import { parseComposeYaml } from "./compose-yaml.js";
import { middlewareRef, parseRule, parseTraefikLabels, RuleSyntaxError, rulePathPrefixes, stripPrefixes } from "./traefik-labels.js";

const labelsOf = (yaml: string) => {
  return get(parseComposeYaml(yaml, "c.yml"), "labels");
};

describe("parseRule", () => {
  it("reads matchers, &&, ||, !, parentheses and v2 comma lists", () => {
    expect(parseRule("PathPrefix(`/api`)")).toEqual({ type: "matcher", name: "PathPrefix", args: ["/api"], offset: 0 });
    const tree = parseRule("Host(`a.test`, `b.test`) && (PathPrefix(`/x`) || !Path(\"/y\"))");
    expect(tree).toMatchObject({
      type: "and",
      left: { type: "matcher", name: "Host", args: ["a.test", "b.test"] },
      right: { type: "or", left: { name: "PathPrefix" }, right: { type: "not", expr: { name: "Path", args: ["/y"] } } },
    });
    expect(parseRule("A(`x`)".replace("A", "HostRegexp"))).toMatchObject({ name: "HostRegexp", args: ["x"] });
    // && binds tighter than ||.
    expect(parseRule("Path(`/a`) || Path(`/b`) && Method(`GET`)")).toMatchObject({ type: "or", right: { type: "and" } });
  });

  it.each([
    ["PathPrefx(`/api`)", 0, /unknown matcher PathPrefx/],
    ["PathPrefix(`/api`", 17, /expected "\)"/],
    ["PathPrefix(`/api`) &&", 21, /before the end/],
    ["PathPrefix(/api)", 11, /unexpected "\/"/],
    ["Path(`/a`) Path(`/b`)", 11, /after a complete rule/],
    ["", 0, /empty/],
    ["Host(`a)", 5, /unclosed/],
  ])("%s is an error at %i", (rule, offset, message) => {
    try {
      parseRule(rule);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RuleSyntaxError);
      expect((e as RuleSyntaxError).offset).toBe(offset);
      expect((e as Error).message).toMatch(message);
    }
  });

  it("tells the path prefixes every matching request has, or nothing when a branch is not limited", () => {
    expect(rulePathPrefixes(parseRule("Host(`a`) && PathPrefix(`/api`)"))).toEqual(["/api"]);
    expect(rulePathPrefixes(parseRule("PathPrefix(`/a`) || Path(`/b`)"))).toEqual(["/a", "/b"]);
    expect(rulePathPrefixes(parseRule("PathPrefix(`/a`) || Host(`b`)"))).toBeUndefined();
    expect(rulePathPrefixes(parseRule("Host(`b`)"))).toBeUndefined();
  });
});

describe("parseTraefikLabels", () => {
  it("reads routers, services, middlewares and the network from a list or a mapping of labels", () => {
    const list = labelsOf(
      [
        "labels:",
        "  - traefik.enable=true",
        "  - traefik.http.routers.api.rule=Host(`x.test`) && PathPrefix(`/api`)",
        "  - traefik.http.routers.api.entrypoints=web,websecure",
        "  - traefik.http.routers.api.middlewares=strip@docker, auth@file",
        "  - traefik.http.routers.api.tls.certresolver=le",
        "  - traefik.http.services.api-svc.loadbalancer.server.port=8000",
        "  - traefik.http.middlewares.strip.stripprefix.prefixes=/api,/v1",
        "  - traefik.docker.network=proxy",
        "  - com.example.other=1",
      ].join("\n"),
    );
    const t = parseTraefikLabels(list);
    const api = t.routers.get("api")!;
    expect(api.rule?.ast).toMatchObject({ type: "and" });
    expect(api.rule?.origin.line).toBe(3);
    expect(api.entrypoints).toEqual(["web", "websecure"]);
    expect(api.middlewares.map((m) => m.value)).toEqual(["strip@docker", "auth@file"]);
    expect(api.tls).toBe(true);
    expect(t.services.get("api-svc")?.port?.value).toBe("8000");
    expect(stripPrefixes(t.middlewares.get("strip")!)).toEqual(["/api", "/v1"]);
    expect(t.network?.value).toBe("proxy");
    expect(t.enable?.value).toBe("true");
    expect(t.all).toHaveLength(8);
    const map = parseTraefikLabels(labelsOf("labels:\n  traefik.http.routers.web.rule: PathPrefix(`/`\n"));
    expect(map.routers.get("web")?.rule?.error?.message).toMatch(/expected/);
  });

  it("splits a middleware reference into name and provider", () => {
    expect(middlewareRef("auth@file")).toEqual({ name: "auth", provider: "file" });
    expect(middlewareRef("strip")).toEqual({ name: "strip" });
  });
});
