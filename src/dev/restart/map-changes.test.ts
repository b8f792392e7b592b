import { describe, expect, it } from "vitest";
import type { FileChange } from "../../watch/watcher.js";
import { mapChangesToServices, type WatchedService } from "./map-changes.js";

const svc = (name: string, paths: string[], rebuildOn: string[] = [], reload = false): WatchedService => ({ name, paths, rebuildOn, reload });
const saved = (...paths: string[]): FileChange[] => paths.map((path) => ({ path, kind: "update" }));

const stack = [
  svc("api", ["services/api"], ["services/api/Dockerfile", "services/api/requirements.txt"]),
  svc("api2", ["services/api2"]),
  svc("web", ["services/web/"], ["services/web/Dockerfile"]),
  svc("docs", ["mkdocs.yml"]),
];

describe("a save restarts only the services that watch the file", () => {
  it("saving one service's file leaves every other service alone", () => {
    const out = mapChangesToServices(saved("services/api2/app.py"), stack);
    expect([...out.keys()]).toEqual(["api2"]);
    expect(out.get("api2")).toEqual({ files: ["services/api2/app.py"], rebuild: false });
  });

  it("a folder whose name extends another's (api2 beside api) does not restart the shorter one", () => {
    expect(mapChangesToServices(saved("services/api2/app.py", "services/apiary.txt"), stack).has("api")).toBe(false);
  });

  it("a file outside every watched path restarts nothing", () => {
    expect(mapChangesToServices(saved("README.md", "notes/todo.txt"), stack).size).toBe(0);
  });

  it("a watched path written with a trailing slash still matches the files under it", () => {
    expect([...mapChangesToServices(saved("services/web/index.html"), stack).keys()]).toEqual(["web"]);
    expect([...mapChangesToServices(saved("lib/x.py"), [svc("api", ["lib//"])]).keys()]).toEqual(["api"]);
  });

  it("a watched single file restarts its service when that file changes", () => {
    expect([...mapChangesToServices(saved("mkdocs.yml"), stack).keys()]).toEqual(["docs"]);
    expect(mapChangesToServices(saved("mkdocs.yml.bak"), stack).has("docs")).toBe(false);
  });

  it("a service watching the project root (`.` or ``) sees every change", () => {
    for (const root of [".", "", "./"]) {
      const out = mapChangesToServices(saved("deep/in/tree.py"), [svc("all", [root]), svc("other", ["lib"])]);
      expect([...out.keys()], JSON.stringify(root)).toEqual(["all"]);
    }
  });

  it("a plain code change is a restart, not a rebuild; a manifest change is a rebuild", () => {
    expect(mapChangesToServices(saved("services/api/app.py", "services/api/util.py"), stack).get("api")).toEqual({
      files: ["services/api/app.py", "services/api/util.py"],
      rebuild: false,
    });
    expect(mapChangesToServices(saved("services/api/app.py", "services/api/Dockerfile"), stack).get("api")?.rebuild).toBe(true);
  });

  it("the same file reported twice in a batch is listed once", () => {
    expect(mapChangesToServices(saved("services/api/app.py", "services/api/app.py"), stack).get("api")?.files).toEqual(["services/api/app.py"]);
  });

  it("a self-reloading service is left alone on code changes and rebuilt when its manifest changes", () => {
    const reloading = [svc("ui", ["ui"], ["ui/package.json"], true)];
    expect(mapChangesToServices(saved("ui/app.js"), reloading).size).toBe(0);
    expect(mapChangesToServices(saved("ui/app.js", "ui/package.json"), reloading).get("ui")).toEqual({ files: ["ui/app.js", "ui/package.json"], rebuild: true });
  });
});

describe("an adopted service whose mounted folder lies inside its build context", () => {
  const web = svc("web", ["app", "."], ["**", "!app/**", "Dockerfile", "requirements.txt"]);
  it("a change outside the mount is baked into the image: rebuild", () => {
    expect(mapChangesToServices(saved("lib/util.py"), [web]).get("web")).toEqual({ files: ["lib/util.py"], rebuild: true });
  });
  it("a change in the mount is live: restart only", () => {
    expect(mapChangesToServices(saved("app/main.py"), [web]).get("web")).toEqual({ files: ["app/main.py"], rebuild: false });
  });
});

describe("an adopted image built from the project root, no mount", () => {
  const web: WatchedService = { name: "web", paths: ["."], rebuildOn: ["**", "!**/etc", "!**/etc/**"], reload: false, restartPaths: [], ignore: ["stack.yaml", "compose.yaml"] };
  it("a file of its context rebuilds it", () => {
    expect(mapChangesToServices(saved("app.py"), [web]).get("web")).toEqual({ files: ["app.py"], rebuild: true });
  });
  it("what its .dockerignore keeps out (another service's mounted config) is not its change at all", () => {
    expect(mapChangesToServices(saved("etc/nginx/conf.d/default.conf"), [web]).has("web")).toBe(false);
  });
  it("create-stack's own files beside it are not its changes", () => {
    expect(mapChangesToServices(saved("stack.yaml", "compose.yaml"), [web]).has("web")).toBe(false);
  });
});
