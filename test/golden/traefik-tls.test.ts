import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROXY_TLS_CERT, PROXY_TLS_DIR, PROXY_TLS_KEY } from "../../src/render/proxy-tls.js";
import { fixtureCases, planFixture } from "./plan-fixture.js";

/**
 * Traefik is not run here: its HTTPS is checked against Traefik's documented configuration
 * (doc.traefik.io, "TLS certificates" and "TLS options"): certificates and options only from the
 * file provider's dynamic configuration, the store named `default` only, `minVersion` one of
 * VersionTLS10..13, `sniStrict` a boolean; a router gets TLS with `tls=true` on an entry point.
 */
type Labels = Record<string, string>;
type Service = { command?: string[]; ports?: string[]; volumes?: string[]; labels?: Labels };

async function traefikCases() {
  const out: { name: string; files: Map<string, string> }[] = [];
  for (const name of fixtureCases()) {
    const plan = await planFixture(name);
    const files = new Map(plan.files.map((f) => [f.path, f.content]));
    if (files.get("compose.proxy.yaml")?.includes("traefik:")) out.push({ name, files });
  }
  return out;
}

// Planning every fixture: seconds on a loaded machine, not the default 5.
describe("Traefik: HTTPS", { timeout: 60_000 }, () => {
  it("a websecure entry point on :443, published on loopback; the file provider reads the generated folder; the certificate is mounted read-only", async () => {
    const cases = await traefikCases();
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const { name, files } of cases) {
      const traefik = (parse(files.get("compose.proxy.yaml")!) as { services: Record<string, Service> }).services.traefik!;
      expect(traefik.command, name).toContain("--entrypoints.websecure.address=:443");
      expect(traefik.command, name).toContain("--providers.file.directory=/etc/traefik/dynamic");
      expect(traefik.ports, name).toContain("127.0.0.1:${PROXY_HTTPS_PORT:-8443}:443");
      expect(traefik.volumes, name).toContain("./proxy/traefik:/etc/traefik/dynamic:ro");
      expect(traefik.volumes, name).toContain(`./.create-stack/tls:${PROXY_TLS_DIR}:ro`);
      expect(files.get(".env"), name).toMatch(/^PROXY_HTTPS_PORT=\d+$/m);
    }
  });

  it("tls.yaml uses only documented keys: certificates, the default store's default certificate, the default options", async () => {
    for (const { name, files } of await traefikCases()) {
      const text = files.get("proxy/traefik/tls.yaml");
      expect(text, name).toBeDefined();
      const doc = parse(text!) as { tls: Record<string, unknown> };
      expect(Object.keys(doc)).toEqual(["tls"]);
      expect(Object.keys(doc.tls).sort()).toEqual(["certificates", "options", "stores"]);
      const pair = { certFile: PROXY_TLS_CERT, keyFile: PROXY_TLS_KEY };
      expect(doc.tls.certificates).toEqual([pair]);
      // "Any store definition other than the default one (named default) will be ignored."
      expect(doc.tls.stores).toEqual({ default: { defaultCertificate: pair } });
      const options = doc.tls.options as Record<string, Record<string, unknown>>;
      expect(Object.keys(options)).toEqual(["default"]);
      expect(Object.keys(options.default!).sort()).toEqual(["minVersion", "sniStrict"]);
      expect(["VersionTLS12", "VersionTLS13"]).toContain(options.default!.minVersion);
      expect(options.default!.sniStrict).toBe(true);
    }
  });

  it("every HTTP router has an HTTPS twin: same rule, priority, service; websecure with tls=true; its own scheme header", async () => {
    for (const { name, files } of await traefikCases()) {
      const layer = parse(files.get("compose.proxy.yaml")!) as { services: Record<string, Service> };
      for (const [svc, def] of Object.entries(layer.services)) {
        const labels = def.labels ?? {};
        const routers = Object.keys(labels)
          .map((k) => /^traefik\.http\.routers\.([^.]+)\.entrypoints$/.exec(k)?.[1])
          .filter((r): r is string => r !== undefined && labels[`traefik.http.routers.${r}.entrypoints`] === "web" && !r.endsWith("--restarting-page"));
        for (const r of routers) {
          const at = (router: string, key: string) => labels[`traefik.http.routers.${router}.${key}`];
          const secure = `${r}-secure`;
          expect(at(secure, "entrypoints"), `${name} ${svc} ${r}`).toBe("websecure");
          expect(at(secure, "tls")).toBe("true");
          for (const key of ["rule", "priority", "service"]) expect(at(secure, key)).toBe(at(r, key));
          expect(at(secure, "middlewares")!.replace(/-https$/, "-http")).toBe(at(r, "middlewares"));
          const https = at(secure, "middlewares")!.split(",").at(-1)!;
          expect(labels[`traefik.http.middlewares.${https}.headers.customrequestheaders.Forwarded`]).toBe("proto=https");
        }
      }
    }
  });
});
