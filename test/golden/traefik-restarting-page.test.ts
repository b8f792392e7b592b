import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadPresets } from "../../src/presets/load-presets.js";
import { proxyRenderer } from "../../src/render/proxy-renderers.js";
import { RESTARTING_PAGE_PATH, restartingPageService } from "../../src/render/traefik-labels.js";
import { fixtureCases, planFixture } from "./plan-fixture.js";

/**
 * Traefik is not run here: these check that what its errors middleware is told to use exists, in
 * the rendered files, and that the page server adds no way into the Engine API.
 */
type Labels = Record<string, string>;

async function traefikCases() {
  const out: { name: string; files: Map<string, string> }[] = [];
  for (const name of fixtureCases()) {
    const plan = await planFixture(name);
    const files = new Map(plan.files.map((f) => [f.path, f.content]));
    if (files.get("compose.proxy.yaml")?.includes("traefik:")) out.push({ name, files });
  }
  return out;
}

const locationRegex = (conf: string) => new RegExp(/location ~ "(\^\/\\\.well-known\/create-stack\/restarting\/[^"]+)"/.exec(conf)![1]!.replace(/\(\?<\w+>/g, "("));
const pageServer = (conf: string) => conf.slice(conf.indexOf("listen 8080;"));

describe("Traefik: the restarting page through its errors middleware", () => {
  it("there are Traefik fixtures to check", async () => expect((await traefikCases()).length).toBeGreaterThanOrEqual(3));

  it("every routed service's routers, path and host, put their errors middleware first; it names a page server that exists", async () => {
    for (const { name, files } of await traefikCases()) {
      const layer = parse(files.get("compose.proxy.yaml")!) as { services: Record<string, { labels?: Labels }> };
      const project = (parse(files.get("stack.yaml")!) as { name: string }).name;
      const all = Object.entries(layer.services).map(([svc, d]) => [svc, d.labels ?? {}] as const);
      const page = restartingPageService(project);
      // Which container defines the page service, on which port.
      const definers = all.filter(([, l]) => l[`traefik.http.services.${page}.loadbalancer.server.port`] !== undefined);
      expect(definers.map(([s]) => s), name).toEqual(["socket-proxy"]);
      const [, proxyLabels] = definers[0]!;
      const port = proxyLabels[`traefik.http.services.${page}.loadbalancer.server.port`];
      expect(port, name).toBe("8080");
      // Its own router exists (so Traefik makes no default one) and leads only to the page service.
      const routers = Object.keys(proxyLabels).filter((k) => /^traefik\.http\.routers\.[^.]+\.service$/.test(k));
      expect(routers.map((k) => proxyLabels[k]), name).toEqual([page]);
      // ... and matches no request: nothing from outside reaches the container holding the Docker socket.
      for (const k of routers) expect(proxyLabels[k.replace(/\.service$/, ".rule")], name).toBe("!PathPrefix(`/`)");
      expect(proxyLabels["traefik.enable"]).toBe("true");
      // No Traefik service anywhere points at the socket proxy's API port.
      for (const [svc, l] of all) for (const [k, v] of Object.entries(l)) if (k.endsWith(".loadbalancer.server.port")) expect(`${svc} ${v}`).not.toBe("socket-proxy 2375");

      const conf = files.get("proxy/socket-proxy/nginx.conf")!;
      expect(conf, name).toContain(`listen ${port};`);
      const pathRe = locationRegex(conf);
      let routed = 0;
      for (const [svc, l] of all) {
        const routerKeys = Object.keys(l).filter((k) => /^traefik\.http\.routers\.[^.]+\.rule$/.test(k)).map((k) => k.replace(/\.rule$/, ""));
        if (svc === "socket-proxy" || routerKeys.length === 0) continue;
        routed++;
        const mw = `${project}-${svc}-restarting`;
        // Path and host, each over HTTP and over HTTPS.
        expect(routerKeys.length, `${name} ${svc}`).toBe(4);
        for (const r of routerKeys) expect(l[`${r}.middlewares`]?.split(",")[0], `${name} ${r}`).toBe(mw);
        expect(l[`traefik.http.middlewares.${mw}.errors.status`]).toBe("502,504");
        expect(l[`traefik.http.middlewares.${mw}.errors.service`]).toBe(page);
        const query = l[`traefik.http.middlewares.${mw}.errors.query`]!;
        expect(query).toBe(`${RESTARTING_PAGE_PATH}/${svc}`);
        // The page server answers exactly that path.
        expect(pathRe.test(query), `${query} ~ ${pathRe}`).toBe(true);
      }
      expect(routed, name).toBeGreaterThan(0);
    }
  });

  it("the page server answers fixed text only: no proxy_pass, no socket; the page is nginx's own restarting page", async () => {
    const { files } = (await traefikCases())[0]!;
    const server = pageServer(files.get("proxy/socket-proxy/nginx.conf")!);
    expect(server).not.toMatch(/proxy_pass|docker_engine|docker\.sock|fastcgi|root |alias /);
    expect(server).toContain("add_header Retry-After 1 always;");
    // The same page and JSON as the nginx proxy's (templates/nginx/default.conf.hbs).
    const nginxPlan = await planFixture("nginx");
    const nginxConf = nginxPlan.files.find((f) => f.path === "proxy/nginx/default.conf")!.content;
    const bodies = (conf: string) => [...conf.matchAll(/return 503 ('.*');/g)].map((m) => m[1]);
    expect(new Set(bodies(server))).toEqual(new Set(bodies(nginxConf)));
    expect(bodies(server)).toHaveLength(2);
  });

  it("a name that is not a service's (upper case, a header injection) does not match the page location", async () => {
    const { files } = (await traefikCases())[0]!;
    const re = locationRegex(files.get("proxy/socket-proxy/nginx.conf")!);
    expect(re.test(`${RESTARTING_PAGE_PATH}/api-2`)).toBe(true);
    for (const bad of ["API", "api\nX-Bad: 1", "../_ping", "", "api/x"]) expect(re.test(`${RESTARTING_PAGE_PATH}/${bad}`), bad).toBe(false);
  });

  it("on Swarm, where the socket proxy and its page server are left out, no router asks for the page", () => {
    const traefik = loadPresets().get("traefik")!;
    const swarm = proxyRenderer(traefik).swarm!;
    const svc = {
      name: "api", route: "/api", port: 8000, strip: true, dependsOn: [], env: {}, watch: [], rebuildOn: [], reload: false, envName: "API",
      vars: { project: "shop", name: "api", path: "", port: "8000", route: "/api", envName: "API" },
    };
    const labels = swarm.labels!("shop", "shop_default", svc);
    expect(Object.keys(labels).filter((k) => k.includes("restarting"))).toEqual([]);
    expect(labels["traefik.http.routers.shop-api.middlewares"]).toBe("shop-api-strip");
    expect(labels["traefik.http.routers.shop-api-host.middlewares"]).toBeUndefined();
    expect(swarm.devOnly).toContain("socket-proxy");
  });
});
