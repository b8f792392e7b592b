import { describe, expect, it } from "vitest";
import type { Preset } from "../presets/preset.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { CADDY_CONFIG_PATH } from "./caddy-config.js";
import { NGINX_CONFIG_PATH } from "./nginx-config.js";
import { proxyGeneratedPaths, proxyRenderer, proxyRendererNames } from "./proxy-renderers.js";

const rendererOf = (name: string) => proxyRenderer({ name, proxy: { renderer: name } } as unknown as Preset);

function service(name: string, extra: Partial<ResolvedService> = {}): ResolvedService {
  return {
    name, strip: true, dependsOn: [], env: {}, watch: [], rebuildOn: [], reload: false, envName: name.toUpperCase(),
    vars: { project: "shop", name, path: "", port: "", route: "", envName: name.toUpperCase() },
    ...extra,
  };
}

describe("proxy renderers", () => {
  it("name, without rendering, every path their files() write", () => {
    for (const name of proxyRendererNames()) {
      const renderer = rendererOf(name);
      const written = (renderer.files?.("project", []) ?? []).map((f) => f.path);
      expect(renderer.filePaths ?? [], name).toEqual(written);
    }
    expect(proxyGeneratedPaths()).toContain("proxy/nginx/default.conf");
  });

  it("a stack that drops its proxy wants back exactly the files some proxy generated, nothing else", () => {
    // Traefik is driven by labels and writes no file: only nginx's and Caddy's configs are proxies' files.
    expect(proxyGeneratedPaths()).toEqual([NGINX_CONFIG_PATH, CADDY_CONFIG_PATH]);
  });

  it("a preset naming a renderer that does not exist is refused, naming the preset, the renderer and the known ones", () => {
    const preset = { name: "haproxy", proxy: { renderer: "haproxy" } } as unknown as Preset;
    expect(() => proxyRenderer(preset)).toThrow(`preset haproxy: no proxy renderer "haproxy" (known: ${proxyRendererNames().join(", ")})`);
    expect(() => proxyRenderer({ name: "redis" } as unknown as Preset)).toThrow(/^preset redis: no proxy renderer "undefined" \(known: traefik, nginx, caddy\)$/);
  });
});

describe("Traefik on Swarm (dev export swarm)", () => {
  const swarm = rendererOf("traefik").swarm!;

  it("reads only this stack's services, only those that opt in, over the stack's network; answers pings on :80", () => {
    expect(swarm.command("shop", "shop_default")).toEqual([
      "--providers.swarm=true",
      "--providers.swarm.exposedbydefault=false",
      "--providers.swarm.constraints=Label(`com.docker.stack.namespace`,`shop`)",
      "--providers.swarm.network=shop_default",
      "--entrypoints.web.address=:80",
      "--ping=true",
    ]);
    expect(swarm.readsEngine).toBe(true);
    expect(swarm.devOnly).toEqual(["socket-proxy"]);
  });

  it("a routed service's labels name the Swarm network, not compose's, and no restarting page (no page server there)", () => {
    const labels = swarm.labels!("shop", "shop_net", service("api", { route: "/api", port: 8000 }));
    expect(labels["traefik.swarm.network"]).toBe("shop_net");
    expect(labels).not.toHaveProperty("traefik.docker.network");
    expect(labels["traefik.http.routers.shop-api.rule"]).toBe("PathPrefix(`/api`)");
    expect(labels["traefik.http.routers.shop-api.middlewares"]).toBe("shop-api-strip");
    expect(Object.keys(labels).filter((k) => k.includes("restarting"))).toEqual([]);
  });

  it("a service whose name ends in -restarting keeps its router's service on Swarm (only the page's middleware goes)", () => {
    const labels = swarm.labels!("shop", "shop_net", service("job-restarting", { route: "/jobs", port: 8000, strip: false }));
    expect(labels["traefik.http.routers.shop-job-restarting.service"]).toBe("shop-job-restarting");
    expect(labels["traefik.http.routers.shop-job-restarting-host.service"]).toBe("shop-job-restarting");
    expect(labels).not.toHaveProperty("traefik.http.routers.shop-job-restarting.middlewares");
  });

  it("a service without a route gets no label at all, not even the network", () => {
    expect(swarm.labels!("shop", "shop_net", service("worker"))).toEqual({});
    expect(swarm.labels!("shop", "shop_net", service("cache", { port: 11211 }))).toEqual({});
  });
});
