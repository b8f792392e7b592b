import { describe, expect, it } from "vitest";
import type { LayerName } from "../presets/preset.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import type { ComposeFile } from "./compose-layers.js";
import { OverrideList, stringifyCompose } from "./compose-yaml.js";
import { buildWatchLayer } from "./watch-layer.js";

const layers = (base: ComposeFile["services"], dev: ComposeFile["services"] = {}) =>
  new Map<LayerName, ComposeFile>([
    ["base", { services: base }],
    ["dev", { services: dev }],
  ]);

// Only what the layer reads of a service; a preset with a command runs under the supervisor.
const svc = (name: string, extra: Partial<ResolvedService> = {}): ResolvedService =>
  ({
    name,
    path: `services/${name}`,
    rebuildOn: [`services/${name}/Dockerfile`, `services/${name}/requirements.txt`],
    reload: false,
    preset: { name: "python-http", layers: { base: { services: { "{{name}}": { command: ["python", "app.py"] } } } } },
    vars: {},
    ...extra,
  }) as ResolvedService;

const IGNORES = ["**/node_modules/**", "**/*.pyc", ".create-stack/**", "services/api/tmp/**", "other/x/**"];

describe("the watch layer (plain docker compose up --watch)", () => {
  it("a supervised service: rebuild on its Dockerfile and manifests, sync+restart of its folder, the watcher's ignores, the source mount taken out", () => {
    const out = buildWatchLayer(layers({ api: { build: { context: "./services/api" } } }, { api: { volumes: ["./services/api:/app"] } }), [svc("api")], IGNORES);
    expect(out.services.api).toEqual({
      volumes: new OverrideList([]),
      develop: {
        watch: [
          { action: "rebuild", path: "./services/api/Dockerfile" },
          { action: "rebuild", path: "./services/api/requirements.txt" },
          { action: "sync+restart", path: "./services/api", target: "/app", ignore: ["**/node_modules", "**/*.pyc", "tmp"] },
        ],
      },
    });
    expect(stringifyCompose(out)).toContain("volumes: !override []");
  });

  it("a service that reloads itself gets the files only; other volumes stay, one inside the mount goes with it", () => {
    const dev = { web: { volumes: ["./services/web:/app", "/app/node_modules", "cache:/cache"] } };
    const out = buildWatchLayer(layers({ web: {} }, dev), [svc("web", { reload: true, rebuildOn: ["services/web/package.json"] })], []);
    expect(out.services.web).toEqual({
      volumes: new OverrideList(["cache:/cache"]),
      develop: { watch: [{ action: "rebuild", path: "./services/web/package.json" }, { action: "sync", path: "./services/web", target: "/app" }] },
    });
  });

  it("a service with its own Dockerfile (no mount) is rebuilt on every change, as dev up does; its volumes are left alone", () => {
    const own = svc("shop", { preset: undefined, build: { context: "shop" }, path: "shop", rebuildOn: ["shop/**", "shop/Dockerfile.dev"] });
    expect(buildWatchLayer(layers({ shop: { build: { context: "./shop" } } }), [own], IGNORES).services.shop).toEqual({
      develop: { watch: [{ action: "rebuild", path: "./shop" }, { action: "rebuild", path: "./shop/Dockerfile.dev" }] },
    });
  });

  it("nothing for services dev up does not watch: images, adopted services, no path; a rebuild glob it cannot name is left out", () => {
    const out = buildWatchLayer(
      layers({ db: { image: "postgres" }, theirs: {}, x: {} }),
      [
        svc("db", { preset: undefined, path: undefined, rebuildOn: [] }),
        svc("theirs", { adopted: true }),
        svc("x", { path: undefined, rebuildOn: ["services/x/*.lock"] }),
      ],
      [],
    );
    expect(out).toEqual({ services: {} });
  });
});
