import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { PACKAGE_ROOT } from "../fs/package-paths.js";
import { loadNginxConfig, nginxRoutes, type NginxSource } from "./nginx-config.js";
import { parseNginxDirectives, tokenizeNginx } from "./nginx-directives.js";

const services = new Set(["web", "api", "frontend", "backend", "ws"]);
const resolveHost = (h: string) => (services.has(h) ? h : undefined);

function routesOf(text: string, files: Record<string, string> = {}) {
  const config = loadNginxConfig({ file: "nginx.conf", text }, (pattern) => {
    const hits = Object.keys(files).filter((f) => (pattern.includes("*") ? new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`).test(f) : f === pattern));
    return hits.length ? hits.map((f): NginxSource => ({ file: f, text: files[f]! })) : undefined;
  });
  return { config, ...nginxRoutes(config, resolveHost) };
}

describe("tokenizeNginx", () => {
  it("keeps quoted text whole, drops comments, and reads ${var} as one word", () => {
    const words = tokenizeNginx('add_header X-A "a;b {c}" ; # comment ; {\nreturn 200 \'it\\\'s\';\nset $x ${host}{', "f");
    expect(words.map((w) => w.value)).toEqual(["add_header", "X-A", "a;b {c}", ";", "return", "200", "it's", ";", "set", "$x", "${host}", "{"]);
    expect(words[4]).toMatchObject({ line: 2, col: 1 });
  });

  it("a # inside a word is not a comment", () => {
    expect(tokenizeNginx("location /a#b { }", "f").map((w) => w.value)).toEqual(["location", "/a#b", "{", "}"]);
  });

  it("an unclosed quote is an error at the quote", () => {
    const err = (() => {
      try {
        tokenizeNginx('server {\n  return 200 "open;\n}', "site.conf");
      } catch (e) {
        return e;
      }
    })() as StackError;
    expect(err).toBeInstanceOf(StackError);
    expect(err.code).toBe("E_NGINX_SYNTAX");
    expect(err.location).toEqual({ file: "site.conf", line: 2, col: 14 });
  });
});

describe("parseNginxDirectives", () => {
  it("nests blocks and keeps each directive's place", () => {
    const tree = parseNginxDirectives("http {\n  server {\n    listen 80;\n  }\n}\n", "n.conf");
    expect(tree[0]!.name).toBe("http");
    expect(tree[0]!.block![0]!.block![0]).toMatchObject({ name: "listen", line: 3, col: 5, args: [{ value: "80" }] });
  });

  it.each([
    ["server {\n  listen 80;\n", "this block is never closed", 1, 8],
    ["listen 80;\n}\n", "a } closes no block", 2, 1],
    ["server {\n  listen 80\n}\n", 'directive "listen" does not end with ; or {', 2, 3],
    ["; listen 80;", "unexpected", 1, 1],
  ])("%j is refused with its place", (text, message, line, col) => {
    let caught: unknown;
    try {
      parseNginxDirectives(text, "x.conf");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StackError);
    expect((caught as StackError).message).toContain(message);
    expect((caught as StackError).location).toEqual({ file: "x.conf", line, col });
  });
});

describe("nginxRoutes", () => {
  it("follows an upstream block to its service and port", () => {
    const { routes, unmapped } = routesOf("upstream app { server web:8000; }\nserver { listen 80; location / { proxy_pass http://app; } location /static/ { alias /s/; } }");
    expect(unmapped).toEqual([]);
    expect(routes).toEqual([
      expect.objectContaining({ path: "/", match: "prefix", service: "web", port: 8000, upstream: "app", listen: ["80"], location: { file: "nginx.conf", line: 2, col: 21 } }),
    ]);
  });

  it("reads each location modifier, attached or apart", () => {
    const text = `server {
      location = /exact { proxy_pass http://api:1; }
      location ~ ^/re/(.*)$ { proxy_pass http://api:2; }
      location ~* \\.png$ { proxy_pass http://api:3; }
      location ^~ /pri { proxy_pass http://api:4; }
      location =/glued { proxy_pass http://api:5; }
      location /plain { proxy_pass http://api:6; }
    }`;
    expect(routesOf(text).routes.map((r) => [r.match, r.path, r.port])).toEqual([
      ["exact", "/exact", 1],
      ["regex", "^/re/(.*)$", 2],
      ["regex-nocase", "\\.png$", 3],
      ["prefix-no-regex", "/pri", 4],
      ["exact", "/glued", 5],
      ["prefix", "/plain", 6],
    ]);
  });

  it("keeps proxy_pass's URI part (a / strips the prefix) and the default ports", () => {
    const { routes } = routesOf("server { location /api/ { proxy_pass http://backend/; } location /s { proxy_pass https://frontend; } location /g { grpc_pass grpc://api:50051; } }");
    expect(routes.map((r) => [r.path, r.service, r.port, r.uri])).toEqual([
      ["/api/", "backend", 80, "/"],
      ["/s", "frontend", 443, undefined],
      ["/g", "api", 50051, undefined],
    ]);
  });

  it("resolves a variable proxy_pass from set, in the server or the location", () => {
    const text = `server {
      set $up backend;
      location /a { proxy_pass http://$up:8000; }
      location /b { set $other api; proxy_pass http://\${other}:9000/x; }
      location /c { proxy_pass http://$host:1; }
    }`;
    const { routes, unmapped } = routesOf(text);
    expect(routes.map((r) => [r.path, r.service, r.port, r.uri])).toEqual([
      ["/a", "backend", 8000, undefined],
      ["/b", "api", 9000, "/x"],
    ]);
    expect(unmapped).toEqual([{ path: "/c", reason: "proxy_pass http://$host:1 uses $host, which is only known when a request comes in", at: { file: "nginx.conf", line: 5, col: 21 } }]);
  });

  it("lists what goes elsewhere with the reason", () => {
    const text = `upstream outside { server host.docker.internal:8088; }
    upstream empty { }
    server {
      location /x { proxy_pass http://outside; }
      location /y { proxy_pass http://empty; }
      location /z { proxy_pass http://unix:/tmp/s.sock; }
      location \${ROOT} { proxy_pass http://web:1; }
      location /php { fastcgi_pass php; }
    }`;
    expect(routesOf(text).unmapped.map((u) => [u.path, u.reason])).toEqual([
      ["/x", 'upstream outside sends to "host.docker.internal", which is not a service of this project'],
      ["/y", "upstream empty lists no server"],
      ["/z", "it passes to a unix socket (unix:/tmp/s.sock)"],
      ["${ROOT}", 'the location\'s path "${ROOT}" holds a variable, filled in when the config is templated'],
      ["/php", 'fastcgi_pass sends to "php", which is not a service of this project'],
    ]);
  });

  it("a location falling back to a named location through try_files routes there", () => {
    const text = "http { upstream rails { server web:3000; } server { listen 80; location @rails { proxy_pass http://rails; } location / { root /app/public; try_files $uri $uri @rails; } } }";
    expect(routesOf(text).routes.map((r) => [r.path, r.service, r.port])).toEqual([["/", "web", 3000]]);
  });

  it("nested locations, several servers and their names", () => {
    const text = "server { server_name a.test; location /outer { location /outer/in { proxy_pass http://api:7; } } } server { server_name b.test c.test; listen 8080; location / { proxy_pass http://ws:1; } }";
    const { routes } = routesOf(text);
    expect(routes.map((r) => [r.path, r.serverNames, r.listen])).toEqual([
      ["/outer/in", ["a.test"], []],
      ["/", ["b.test", "c.test"], ["8080"]],
    ]);
  });

  it("includes files relative to the including one, globs included, and reports includes it cannot place", () => {
    const main = "http { include mime.types; include conf.d/*.conf; }";
    const { routes, config } = routesOf(main, {
      "conf.d/a.conf": "upstream up { server api:81; }",
      "conf.d/b.conf": "server { location /b { proxy_pass http://up; } }",
    });
    expect(routes.map((r) => [r.path, r.service, r.port, r.location.file])).toEqual([["/b", "api", 81, "conf.d/b.conf"]]);
    expect(config.skippedIncludes).toEqual([{ pattern: "mime.types", at: { file: "nginx.conf", line: 1, col: 8 } }]);
  });

  it("an include loop is an error naming the chain", () => {
    expect(() => routesOf("include a.conf;", { "a.conf": "include b.conf;", "b.conf": "include a.conf;" })).toThrow(/includes a.conf again \(nginx.conf -> a.conf -> b.conf -> a.conf\)/);
  });

  it("the corpus's nginx config: / goes to web:8000 through gunicorn_app, /static/ is nginx's own", () => {
    const file = "test/corpus/nginx-purldb/etc/nginx/conf.d/default.conf";
    const config = loadNginxConfig({ file, text: readFileSync(`${PACKAGE_ROOT}/${file}`, "utf8") }, () => undefined);
    const { routes, unmapped } = nginxRoutes(config, (h) => (h === "web" ? "web" : undefined));
    expect(unmapped).toEqual([]);
    expect(routes).toEqual([
      {
        path: "/",
        match: "prefix",
        serverNames: [],
        listen: ["80"],
        service: "web",
        port: 8000,
        upstream: "gunicorn_app",
        directive: "proxy_pass",
        location: { file, line: 8, col: 5 },
        at: { file, line: 9, col: 9 },
      },
    ]);
  });
});
