import { describe, expect, it } from "vitest";
import type { ResolvedService } from "../stack/resolve-services.js";
import { CADDY_TLS_CONTENT, renderCaddyConfig } from "./caddy-config.js";
import { routesVersion } from "./routes-version.js";

function svc(name: string, route: string | undefined, port: number | undefined, strip = true): ResolvedService {
  return {
    name, route, port, strip, dependsOn: [], env: {}, watch: [], rebuildOn: [], reload: false, envName: name.toUpperCase(),
    vars: { project: "shop", name, path: "", port: String(port ?? ""), route: route ?? "", envName: name.toUpperCase() },
  } as ResolvedService;
}

describe("Caddy routes", () => {
  const services = [svc("api", "/api", 8000), svc("admin-ui", "/api/admin", 3000, false), svc("web", "/", 80), svc("db", undefined, 5432), svc("bare", "/bare", undefined)];
  const conf = renderCaddyConfig("shop", services);

  it("one handle per route, most specific first, in an HTTP and an HTTPS site alike; the root last, unmatched", () => {
    const sites = conf.split(/^(?=\S.*\{$)/m);
    const http = sites.find((s) => s.startsWith("http://:80 {"))!;
    const https = sites.find((s) => s.startsWith("https://:443 {"))!;
    for (const site of [http, https]) {
      expect([...site.matchAll(/^\t# (\S+) -> (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(["/api/admin admin-ui:3000", "/api api:8000", "/ web:80"]);
      expect(site).toContain("\t@route_api path /api /api/*\n\thandle @route_api {\n\t\turi strip_prefix /api\n\t\tvars stack_service api\n");
      expect(site).toContain("\t@route_admin_ui path /api/admin /api/admin/*\n\thandle @route_admin_ui {\n\t\tvars stack_service admin-ui\n");
      expect(site).toContain("\thandle {\n\t\tvars stack_service web\n");
      expect(site).toContain("\timport restarting\n");
      expect(site).toContain(`respond "${routesVersion(services)}"`);
    }
    expect(https).toContain("\timport /etc/create-stack/tls/caddy-tls*.caddy\n");
    expect(http).not.toContain("import /etc/create-stack/tls");
    expect(conf).not.toMatch(/bare:|\/bare|db:/);
  });

  it("each routed service has its own NAME.localhost site over both schemes, unstripped", () => {
    for (const name of ["api", "admin-ui", "web"]) {
      expect(conf).toContain(`http://${name}.localhost:80 {\n\timport restarting\n\tvars stack_service ${name}\n`);
      expect(conf).toContain(`https://${name}.localhost:443 {\n\timport /etc/create-stack/tls/caddy-tls*.caddy\n\timport restarting\n`);
    }
  });

  it("the project's certificate, Caddy's own HTTPS off; Forwarded carries the scheme; the restarting page for Caddy's own 502/504 only", () => {
    expect(conf).toContain("\tauto_https off\n");
    // The tls line lives beside the certificate, not in the Caddyfile (which Swarm ships alone).
    expect(conf).not.toContain("cert.pem");
    expect(CADDY_TLS_CONTENT).toBe("tls /etc/create-stack/tls/cert.pem /etc/create-stack/tls/key.pem\n");
    expect(conf).toContain('header_up Forwarded "proto={http.request.scheme};host=\\"{http.request.hostport}\\""');
    expect(conf).toContain("expression `{http.error.status_code} in [502, 504]`");
    expect(conf).toContain("header Retry-After 1");
  });
});
