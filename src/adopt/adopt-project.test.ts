import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import type { ComposeServiceView, ProjectFiles } from "./adopt-model.js";
import { adoptProject } from "./adopt-project.js";
import { parseTraefikLabels } from "../compose/traefik-labels.js";

const ROOT = "/p";
const at = { file: `${ROOT}/docker-compose.yml`, line: 1, col: 1 };

/** A project of the given files (path -> text); folders are the files' parents. */
function project(tree: Record<string, string>): ProjectFiles {
  const abs = Object.fromEntries(Object.entries(tree).map(([k, v]) => [posix.join(ROOT, k), v]));
  const dirs = new Set<string>();
  for (const f of Object.keys(abs)) for (let d = posix.dirname(f); d !== "/"; d = posix.dirname(d)) dirs.add(d);
  return {
    root: ROOT,
    read: (p) => abs[p],
    isDirectory: (p) => dirs.has(p),
    list: (dir) => Object.keys(abs).filter((f) => posix.dirname(f) === dir).map((f) => posix.basename(f)),
  };
}

function service(name: string, over: Partial<ComposeServiceView>): ComposeServiceView {
  return { name, at, ports: [], expose: [], volumes: [], dependsOn: [], traefik: parseTraefikLabels(undefined), aliases: [], ...over };
}

const bind = (source: string, target: string) => ({ type: "bind", source: posix.join(ROOT, source), target, at });

function adopt(tree: Record<string, string>, services: ComposeServiceView[]) {
  return adoptProject({ name: "p", compose: [at.file], services, disabled: [], files: project(tree) });
}

describe("what rebuilds an adopted image", () => {
  const tree = {
    "Dockerfile": "FROM x\n",
    "requirements.txt": "",
    "app/main.py": "",
    "scripts/entry.sh": "",
    "docker/dev.Dockerfile": "FROM x\n",
    "docker/dev/entry.sh": "",
  };

  it("no mount: every change in the context", () => {
    const a = adopt(tree, [service("web", { build: { context: ROOT } })]);
    expect(a.services.web!.rebuild_on).toEqual(["**"]);
  });

  it("the context is the mounted folder: the Dockerfile and manifests only (the code is live)", () => {
    const a = adopt(tree, [service("web", { build: { context: ROOT }, volumes: [bind(".", "/app")] })]);
    expect(a.services.web!.rebuild_on).toEqual(["Dockerfile", "requirements.txt"]);
  });

  it("a context inside the mounted folder is the image's own folder: all of it, and its Dockerfile outside it", () => {
    const a = adopt(tree, [service("dev", { build: { context: `${ROOT}/docker/dev`, dockerfile: "../dev.Dockerfile" }, volumes: [bind(".", "/opt/app")] })]);
    expect(a.services.dev!.rebuild_on).toEqual(["docker/dev/**", "docker/dev.Dockerfile"]);
  });

  it("a mounted folder inside the context restarts; the rest of the context rebuilds", () => {
    const a = adopt(tree, [service("web", { build: { context: ROOT }, volumes: [bind("app", "/srv/app")] })]);
    expect(a.services.web!.rebuild_on).toEqual(["**", "!app/**", "Dockerfile", "requirements.txt"]);
  });
});

describe("a .dockerignore as watcher ignores", () => {
  it("never hides the Dockerfile it names, a mounted folder or another build context", () => {
    const a = adopt(
      { "Dockerfile": "", ".dockerignore": "Dockerfile\n*.md\nfrontend\n**/etc\n", "requirements.txt": "", "frontend/Dockerfile": "", "etc/nginx/default.conf": "" },
      [
        service("web", { build: { context: ROOT } }),
        service("frontend", { build: { context: `${ROOT}/frontend` } }),
        service("nginx", { image: "nginx:1.27", volumes: [bind("etc/nginx", "/etc/nginx/conf.d")] }),
      ],
    );
    expect(a.ignore).toEqual(["*.md"]);
  });

  it("an allowlist (* then !src) is left out whole: ignoring its * would hide the sources", () => {
    const a = adopt({ "Dockerfile": "", ".dockerignore": "*\n!src\n!Dockerfile\n", "src/main.py": "" }, [service("web", { build: { context: ROOT } })]);
    expect(a.ignore).toEqual([]);
    expect(a.services.web!.rebuild_on).toEqual(["**"]);
  });
});

describe("the supervisor for an adopted command", () => {
  const mounted = { build: { context: ROOT }, volumes: [bind("app", "/srv/app")], command: ["python3", "app/main.py"] };
  it("their command is kept when the Dockerfile here sets no ENTRYPOINT and a source folder is mounted", () => {
    expect(adopt({ "Dockerfile": "FROM x\nCMD [\"python3\"]\n", "app/main.py": "" }, [service("web", mounted)]).services.web!.command).toEqual(["python3", "app/main.py"]);
  });
  it("not with an ENTRYPOINT (it would get the supervisor as its argument), an entrypoint in compose, no Dockerfile to read, or no mount", () => {
    expect(adopt({ "Dockerfile": "FROM x\nENTRYPOINT [\"/entry.sh\"]\n", "app/main.py": "" }, [service("web", mounted)]).services.web!.command).toBeUndefined();
    expect(adopt({ "Dockerfile": "FROM x\n", "app/main.py": "" }, [service("web", { ...mounted, entrypoint: true })]).services.web!.command).toBeUndefined();
    expect(adopt({ "app/main.py": "" }, [service("web", mounted)]).services.web!.command).toBeUndefined();
    expect(adopt({ "Dockerfile": "FROM x\n", "app/main.py": "" }, [service("web", { ...mounted, volumes: [] })]).services.web!.command).toBeUndefined();
  });
});
