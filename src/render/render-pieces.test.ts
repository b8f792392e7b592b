import { describe, expect, it } from "vitest";
import type { ResolvedService } from "../stack/resolve-services.js";
import { mergeEnvFile, renderEnvLines } from "./env-file.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import { mergeLines, requirementName } from "./merge-lines.js";
import { renderNginxConfig } from "./nginx-config.js";
import { routesVersion } from "./routes-version.js";
import { traefikLabels } from "./traefik-labels.js";
import { stringifyCompose } from "./compose-yaml.js";

const svc = (name: string, route: string | undefined, port: number | undefined, strip = true): ResolvedService => ({
  name, route, port, strip, dependsOn: [], env: {}, watch: [], rebuildOn: [], reload: false, envName: name.toUpperCase().replace(/-/g, "_"),
  vars: { project: "shop", name, path: "", port: String(port ?? ""), route: route ?? "", envName: "" },
});

describe(".env text", () => {
  it("reads KEY=VALUE lines as compose does: comments, blanks, spaces, quotes, = in values, CRLF", () => {
    const env = parseEnvFile("# c\r\n\r\n A = 1 \r\nB=\"two words\"\nC='x'\nD=a=b\nE=\n=nokey\nnoequals\nF=\"unbalanced'\n  # indented comment=1\n");
    expect([...env]).toEqual([["A", "1"], ["B", "two words"], ["C", "x"], ["D", "a=b"], ["E", ""], ["F", "\"unbalanced'"]]);
  });

  it("writes groups under their titles, a blank line between them, comments above their keys", () => {
    const text = renderEnvLines([
      { title: "compose", lines: [{ key: "A", value: "1" }, { key: "B", value: "", comment: "set me" }] },
      { title: "empty", lines: [] },
      { title: "ports", lines: [{ key: "P", value: "80" }] },
    ]);
    expect(text).toBe("# compose\nA=1\n# set me\nB=\n\n# ports\nP=80\n");
    expect(renderEnvLines([])).toBe("\n");
  });

  it("merging keeps the user's values, rewrites only managed keys that differ, appends what is missing", () => {
    const existing = "# mine\nCOMPOSE_FILE=compose.yaml\nSECRET=kept\nXCOMPOSE_FILE=untouched\n";
    const merged = mergeEnvFile(existing, [
      { key: "COMPOSE_FILE", value: "compose.yaml:compose.dev.yaml" },
      { key: "SECRET", value: "new" },
      { key: "PORT", value: "8080" },
      { key: "OTHER", value: "x" },
    ], new Set(["COMPOSE_FILE", "PORT"]));
    expect(merged).toBe("# mine\nCOMPOSE_FILE=compose.yaml:compose.dev.yaml\nSECRET=kept\nXCOMPOSE_FILE=untouched\n\n# added by create-stack\nPORT=8080\nOTHER=x\n");
  });

  it("merging with nothing to do returns the file unchanged, byte for byte", () => {
    const existing = "A=1\r\nB=2";
    expect(mergeEnvFile(existing, [{ key: "A", value: "1" }, { key: "B", value: "9" }], new Set(["A"]))).toBe(existing);
  });

  it("appending to a file without a final newline starts a new line", () => {
    expect(mergeEnvFile("A=1", [{ key: "B", value: "2" }], new Set())).toBe("A=1\n\n# added by create-stack\nB=2\n");
    expect(mergeEnvFile("", [{ key: "B", value: "2" }], new Set())).toBe("\n# added by create-stack\nB=2\n");
  });
});

describe("list files the user owns (requirements.txt, .gitignore)", () => {
  it("adds only the missing entries, each on its own line, after the user's", () => {
    expect(mergeLines("flask\n", ["flask", "redis"])).toBe("flask\nredis\n");
    expect(mergeLines("flask", ["redis", "celery"])).toBe("flask\nredis\ncelery\n");
    expect(mergeLines("flask\r\nredis\r\n", ["redis"])).toBe("flask\r\nredis\r\n");
    expect(mergeLines("", ["a"])).toBe("a\n");
    expect(mergeLines(undefined, [])).toBe("");
    expect(mergeLines("  .env  \n", [".env"])).toBe("  .env  \n");
  });

  it("a requirement is known by its package name, whatever its pins, extras, markers or case", () => {
    expect(requirementName("Celery[redis]>=5.2 ; python_version>'3'")).toBe("celery");
    expect(requirementName("typing_extensions==4")).toBe("typing-extensions");
    expect(requirementName("  redis  # cache")).toBe("redis");
    expect(requirementName("# just a comment")).toBe("");
    expect(requirementName("-r base.txt")).toBe("");
    expect(requirementName("--index-url x")).toBe("");
    expect(requirementName("")).toBe("");
    expect(requirementName("@weird")).toBe("");
    expect(mergeLines("Celery[redis]>=5.2\n# redis\n-r base.txt\n", ["celery", "redis"], requirementName)).toBe("Celery[redis]>=5.2\n# redis\n-r base.txt\nredis\n");
  });
});

describe("nginx routes", () => {
  it("one location pair per route, most specific first, prefix stripped unless asked not to", () => {
    const conf = renderNginxConfig("shop", [svc("api", "/api", 8000), svc("admin-ui", "/api/admin", 3000, false), svc("web", "/", 80), svc("db", undefined, 5432), svc("bare", "/bare", undefined)]);
    const order = [...conf.matchAll(/^    # (\S+) -> (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual(["/api/admin admin-ui:3000", "/api api:8000", "/ web:80"]);
    expect(conf).toContain("    location = /api {\n        set $upstream_api http://api:8000;\n        set $stack_service api;\n        add_header X-Stack-Service api always;\n        rewrite ^ / break;\n");
    expect(conf).toContain("    location ^~ /api/ {\n        set $upstream_api http://api:8000;\n        set $stack_service api;\n        add_header X-Stack-Service api always;\n        rewrite ^/api/(.*)$ /$1 break;\n");
    expect(conf).toContain("    location ^~ /api/admin/ {\n        set $upstream_admin_ui http://admin-ui:3000;\n        set $stack_service admin-ui;\n        add_header X-Stack-Service admin-ui always;\n        proxy_pass $upstream_admin_ui;\n");
    expect(conf).toContain("    location / {\n        set $upstream_web http://web:80;\n");
    expect(conf).not.toContain("location = /\n");
    expect(conf).not.toMatch(/bare:|\/bare|db:/);
    expect(conf).toContain(`return 200 "${routesVersion([svc("api", "/api", 8000), svc("admin-ui", "/api/admin", 3000, false), svc("web", "/", 80)])}";`);
  });

  it("without a route at /, a path no route matches gets a 404 naming the routes, not nginx's welcome page", () => {
    const conf = renderNginxConfig("shop", [svc("api", "/api", 8000), svc("docs", "/docs", 8001)]);
    expect(conf).toContain("    location / {\n        default_type text/plain;\n");
    expect(conf).toContain("return 404 'no route for this path in shop; routes: /api -> api /docs -> docs\\n';");
    expect(renderNginxConfig("shop", [])).toContain("routes: none yet (dev add service NAME --route /path)");
    // A route at / is that route's: no 404 location beside it.
    expect(renderNginxConfig("shop", [svc("web", "/", 80)])).not.toContain("return 404");
  });

  it("the routes fingerprint changes with any route, service, port or strip change, not with order", () => {
    const table = [svc("api", "/api", 8000), svc("web", "/", 80)];
    const v = routesVersion(table);
    expect(v).toMatch(/^[0-9a-f]{12}$/);
    expect(routesVersion([...table].reverse())).toBe(v);
    expect(routesVersion([...table, svc("db", undefined, 5432), svc("x", "/x", undefined)])).toBe(v);
    for (const changed of [
      [svc("api", "/api2", 8000), table[1]!],
      [svc("apx", "/api", 8000), table[1]!],
      [svc("api", "/api", 8001), table[1]!],
      [svc("api", "/api", 8000, false), table[1]!],
      [table[0]!],
    ]) expect(routesVersion(changed)).not.toBe(v);
  });
});

describe("Traefik labels", () => {
  it("a routed service gets a project-prefixed router, service and strip middleware", () => {
    expect(traefikLabels("shop", svc("api", "/api", 8000))).toEqual({
      "traefik.enable": "true",
      "traefik.docker.network": "shop_default",
      "traefik.http.routers.shop-api.rule": "PathPrefix(`/api`)",
      "traefik.http.routers.shop-api.entrypoints": "web",
      "traefik.http.routers.shop-api.priority": "18",
      "traefik.http.routers.shop-api.service": "shop-api",
      "traefik.http.services.shop-api.loadbalancer.server.port": "8000",
      "traefik.http.middlewares.shop-api-strip.stripprefix.prefixes": "/api",
      // The restarting page first, then the strip, then the scheme header.
      "traefik.http.routers.shop-api.middlewares": "shop-api-restarting,shop-api-strip,shop-api-http",
      // Also at http://api.localhost/, unstripped, above every path rule.
      "traefik.http.routers.shop-api-host.rule": "Host(`api.localhost`)",
      "traefik.http.routers.shop-api-host.entrypoints": "web",
      "traefik.http.routers.shop-api-host.priority": "10021",
      "traefik.http.routers.shop-api-host.service": "shop-api",
      "traefik.http.routers.shop-api-host.middlewares": "shop-api-restarting,shop-api-http",
      "traefik.http.middlewares.shop-api-restarting.errors.status": "502,504",
      "traefik.http.middlewares.shop-api-restarting.errors.service": "shop--restarting-page",
      "traefik.http.middlewares.shop-api-restarting.errors.query": "/.well-known/create-stack/restarting/api",
      // The scheme the service sees (X-Forwarded-Proto is Traefik's own).
      "traefik.http.middlewares.shop-api-http.headers.customrequestheaders.Forwarded": "proto=http",
      "traefik.http.middlewares.shop-api-https.headers.customrequestheaders.Forwarded": "proto=https",
      // The same two routers over HTTPS: the websecure entry point, TLS from the file provider.
      "traefik.http.routers.shop-api-secure.rule": "PathPrefix(`/api`)",
      "traefik.http.routers.shop-api-secure.entrypoints": "websecure",
      "traefik.http.routers.shop-api-secure.tls": "true",
      "traefik.http.routers.shop-api-secure.priority": "18",
      "traefik.http.routers.shop-api-secure.service": "shop-api",
      "traefik.http.routers.shop-api-secure.middlewares": "shop-api-restarting,shop-api-strip,shop-api-https",
      "traefik.http.routers.shop-api-host-secure.rule": "Host(`api.localhost`)",
      "traefik.http.routers.shop-api-host-secure.entrypoints": "websecure",
      "traefik.http.routers.shop-api-host-secure.tls": "true",
      "traefik.http.routers.shop-api-host-secure.priority": "10021",
      "traefik.http.routers.shop-api-host-secure.service": "shop-api",
      "traefik.http.routers.shop-api-host-secure.middlewares": "shop-api-restarting,shop-api-https",
    });
  });

  it("longer prefixes win; no strip for the root or when asked; nothing without a route or a port", () => {
    const nested = traefikLabels("shop", svc("admin", "/api/admin", 80));
    expect(Number(nested["traefik.http.routers.shop-admin.priority"])).toBeGreaterThan(18);
    const root = traefikLabels("shop", svc("web", "/", 80));
    expect(Object.keys(root).some((k) => k.includes("stripprefix"))).toBe(false);
    expect(root["traefik.http.routers.shop-web.middlewares"]).toBe("shop-web-restarting,shop-web-http");
    const unstripped = traefikLabels("shop", svc("api", "/api", 80, false));
    expect(Object.keys(unstripped).some((k) => k.includes("stripprefix"))).toBe(false);
    expect(unstripped["traefik.http.routers.shop-api.middlewares"]).toBe("shop-api-restarting,shop-api-http");
    expect(traefikLabels("shop", svc("db", undefined, 5432))).toEqual({});
    expect(traefikLabels("shop", svc("x", "/x", undefined))).toEqual({});
  });
});

describe("compose YAML text", () => {
  it("an object used by two services is written out twice, never as an anchor and an alias", () => {
    const healthcheck = { test: ["CMD", "true"], interval: "3s" };
    const text = stringifyCompose({ services: { a: { image: "x", healthcheck }, b: { image: "y", healthcheck } } });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text.match(/interval: 3s/g)).toHaveLength(2);
  });
});
