import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { get, toPlain } from "./compose-node.js";
import { loadComposeProject, type LoadComposeOptions } from "./load-compose-project.js";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "compose-load-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const load = (dir: string, opts: Partial<LoadComposeOptions> = {}) => loadComposeProject({ cwd: dir, env: {}, ...opts });
const service = (p: ReturnType<typeof load>, name: string) => toPlain(p.services.get(name)) as Record<string, unknown>;

function errorOf(fn: () => unknown): StackError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StackError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("loadComposeProject: file selection", () => {
  it("takes compose.yaml and its override file by default, compose.yaml before docker-compose.yml", () => {
    const dir = project({
      "compose.yaml": "services:\n  a: {image: x:1}\n",
      "docker-compose.yml": "services:\n  ignored: {image: y:1}\n",
      "compose.override.yaml": "services:\n  a: {ports: ['80:80']}\n",
    });
    const p = load(dir);
    expect(p.files.map((f) => f.slice(dir.length + 1))).toEqual(["compose.yaml", "compose.override.yaml"]);
    expect(service(p, "a")).toEqual({ image: "x:1", ports: ["80:80"] });
    expect(p.selection).toBe("default");
  });

  it("finds the files in a folder above, as compose does", () => {
    const dir = project({ "docker-compose.yml": "services:\n  a: {image: x:1}\n", "sub/keep": "" });
    expect(load(join(dir, "sub")).workingDir).toBe(dir);
  });

  it("reads COMPOSE_FILE from .env with COMPOSE_PATH_SEPARATOR; the process environment wins over .env", () => {
    const dir = project({
      ".env": "COMPOSE_FILE=base.yml;dev.yml\nCOMPOSE_PATH_SEPARATOR=;\nTAG=from-dotenv\n",
      "base.yml": "services:\n  a: {image: 'x:${TAG}'}\n",
      "dev.yml": "services:\n  a: {environment: [DEBUG=1]}\n",
      "compose.yaml": "services:\n  not-this: {image: z}\n",
    });
    const p = load(dir);
    expect(p.selection).toBe("COMPOSE_FILE");
    expect(service(p, "a")).toEqual({ image: "x:from-dotenv", environment: { DEBUG: "1" } });
    expect(service(load(dir, { env: { TAG: "from-shell" } }), "a").image).toBe("x:from-shell");
  });

  it("-f files win over COMPOSE_FILE; a missing one is E_COMPOSE_FILE_MISSING", () => {
    const dir = project({ ".env": "COMPOSE_FILE=nope.yml\n", "one.yml": "services:\n  a: {image: x}\n" });
    expect([...load(dir, { files: ["one.yml"] }).services.keys()]).toEqual(["a"]);
    expect(errorOf(() => load(dir, { files: ["two.yml"] })).code).toBe("E_COMPOSE_FILE_MISSING");
    expect(errorOf(() => load(dir)).code).toBe("E_COMPOSE_FILE_MISSING");
  });

  it("no compose file anywhere is E_COMPOSE_NO_FILE", () => {
    expect(errorOf(() => load(project({ "README.md": "" }))).code).toBe("E_COMPOSE_NO_FILE");
  });
});

describe("loadComposeProject: bad input is located", () => {
  it("unreadable YAML gives file:line:col", () => {
    const dir = project({ "compose.yaml": "services:\n  a:\n    image: x\n   bad: [\n" });
    const e = errorOf(() => load(dir));
    expect(e.code).toBe("E_COMPOSE_YAML");
    expect(e.location?.file).toBe(join(dir, "compose.yaml"));
    expect(e.location?.line).toBeGreaterThanOrEqual(3);
    expect(e.exitCode).toBe(2);
  });

  it("a file that is not compose: a list, empty, or a mapping of other things", () => {
    expect(errorOf(() => load(project({ "compose.yaml": "- a\n- b\n" }))).message).toMatch(/top level is a list/);
    expect(errorOf(() => load(project({ "compose.yaml": "" }))).code).toBe("E_COMPOSE_NOT_COMPOSE");
    expect(errorOf(() => load(project({ "compose.yaml": "apiVersion: v1\nkind: Pod\n" }))).message).toMatch(/apiVersion, kind/);
  });

  it("a required variable that is unset stops the load at its value", () => {
    const dir = project({ "compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}\n" });
    const e = errorOf(() => load(dir));
    expect(e.code).toBe("E_COMPOSE_VARIABLE");
    expect(e.message).toMatch(/DB_PASSWORD.*set DB_PASSWORD in .env/);
    expect(e.location).toMatchObject({ line: 5, col: 26 });
    expect(service(load(dir, { env: { DB_PASSWORD: "s" } }), "db").environment).toEqual({ POSTGRES_PASSWORD: "s" });
  });

  it("an unset variable without default becomes empty with a warning at its place", () => {
    const p = load(project({ "compose.yaml": "services:\n  a:\n    image: x:${NOPE}\n" }));
    expect(service(p, "a").image).toBe("x:");
    expect(p.warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/NOPE/), origin: expect.objectContaining({ line: 3, col: 12 }) })]);
  });
});

describe("loadComposeProject: merging files", () => {
  it("merges as compose: maps by key, env list with map, ports appended and deduplicated, command replaced", () => {
    const dir = project({
      "compose.yaml": [
        "services:",
        "  web:",
        "    image: web:1",
        "    command: [npm, start]",
        "    environment: [A=1, B=2]",
        "    ports: ['8080:80']",
        "    volumes: ['./src:/app/src', 'data:/data']",
        "    labels: {x: '1'}",
        "    depends_on: [db]",
        "  db: {image: postgres:16}",
        "",
      ].join("\n"),
      "compose.override.yaml": [
        "services:",
        "  web:",
        "    command: npm run dev",
        "    environment: {B: '3', C: '4'}",
        "    ports: ['8080:80', '9229:9229']",
        "    volumes: ['./other:/app/src']",
        "    labels: [y=2]",
        "    depends_on: {db: {condition: service_healthy}}",
        "",
      ].join("\n"),
    });
    const p = load(dir);
    expect(service(p, "web")).toEqual({
      image: "web:1",
      command: "npm run dev",
      environment: { A: "1", B: "3", C: "4" },
      ports: ["8080:80", "9229:9229"],
      volumes: ["./other:/app/src", "data:/data"],
      labels: { x: "1", y: "2" },
      depends_on: { db: { condition: "service_healthy", required: true } },
    });
    // Where each merged value was written.
    const env = get(p.services.get("web"), "environment");
    expect(get(env, "A")!.origin).toMatchObject({ file: join(dir, "compose.yaml"), line: 5 });
    expect(get(env, "B")!.origin).toMatchObject({ file: join(dir, "compose.override.yaml"), line: 4 });
    const ports = get(p.services.get("web"), "ports");
    expect(ports?.kind === "seq" && ports.items[1]!.origin).toMatchObject({ file: join(dir, "compose.override.yaml"), line: 5 });
  });

  it("!reset removes and !override replaces", () => {
    const dir = project({
      "compose.yaml": "services:\n  a:\n    image: x\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n    build: .\n",
      "compose.override.yaml": "services:\n  a:\n    ports: !reset []\n    environment: !override {C: '3'}\n    build: !reset null\n",
    });
    expect(service(load(dir), "a")).toEqual({ image: "x", environment: { C: "3" } });
  });
});

describe("loadComposeProject: extends", () => {
  it("extends a service in the same file and in another file, bases first", () => {
    const dir = project({
      "compose.yaml": [
        "services:",
        "  base: {image: app:1, environment: {A: '1'}}",
        "  web: {extends: base, ports: ['80:80']}",
        "  worker:",
        "    extends: {file: common/services.yml, service: worker-base}",
        "    command: celery worker",
        "",
      ].join("\n"),
      "common/services.yml": "services:\n  root: {image: root:1, labels: [a=1]}\n  worker-base: {extends: root, environment: [Q=1]}\n",
    });
    const p = load(dir);
    expect(service(p, "web")).toEqual({ image: "app:1", environment: { A: "1" }, ports: ["80:80"] });
    expect(service(p, "worker")).toEqual({ image: "root:1", labels: { a: "1" }, environment: { Q: "1" }, command: "celery worker" });
    expect(get(p.services.get("worker"), "image")!.origin.file).toBe(join(dir, "common/services.yml"));
    expect(p.sources.has(join(dir, "common/services.yml"))).toBe(true);
  });

  it("a loop of extends is E_COMPOSE_EXTENDS naming the chain, and so is a missing base", () => {
    const loop = errorOf(() => load(project({ "compose.yaml": "services:\n  a: {extends: b, image: x}\n  b: {extends: c}\n  c: {extends: a}\n" })));
    expect(loop.code).toBe("E_COMPOSE_EXTENDS");
    expect(loop.message).toMatch(/extends loop: a -> b -> c -> a/);
    expect(loop.location?.line).toBe(2);
    const missing = errorOf(() => load(project({ "compose.yaml": "services:\n  a: {extends: nothing}\n" })));
    expect(missing.message).toMatch(/extends nothing/);
  });
});

describe("loadComposeProject: include", () => {
  it("brings in another project's services with its own .env", () => {
    const dir = project({
      "compose.yaml": "include:\n  - infra/compose.yaml\nservices:\n  app: {image: app, depends_on: [db]}\n",
      "infra/compose.yaml": "services:\n  db: {image: 'postgres:${PG}'}\n",
      "infra/.env": "PG=16\n",
    });
    const p = load(dir);
    expect([...p.services.keys()].sort()).toEqual(["app", "db"]);
    expect(service(p, "db").image).toBe("postgres:16");
  });

  it("a service both define differently is E_COMPOSE_INCLUDE; including oneself is a loop", () => {
    const clash = project({ "compose.yaml": "include: [other.yml]\nservices:\n  db: {image: mysql}\n", "other.yml": "services:\n  db: {image: postgres}\n" });
    expect(errorOf(() => load(clash)).code).toBe("E_COMPOSE_INCLUDE");
    const loop = project({ "compose.yaml": "include: [b.yml]\nservices: {}\n", "b.yml": "include: [compose.yaml]\nservices: {}\n" });
    expect(errorOf(() => load(loop)).message).toMatch(/include loop/);
  });
});

describe("loadComposeProject: profiles and env_file", () => {
  const files = {
    "compose.yaml": "services:\n  app: {image: a}\n  debug: {image: d, profiles: [debug]}\n  docs: {image: s, profiles: [docs, all]}\n",
  };
  it("services with profiles run only when a profile selects them (--profile, COMPOSE_PROFILES in .env, *)", () => {
    expect([...load(project(files)).services.keys()]).toEqual(["app"]);
    expect([...load(project(files)).disabledServices.keys()]).toEqual(["debug", "docs"]);
    expect([...load(project(files), { profiles: ["all"] }).services.keys()]).toEqual(["app", "docs"]);
    expect([...load(project({ ...files, ".env": "COMPOSE_PROFILES=debug,docs\n" })).services.keys()]).toEqual(["app", "debug", "docs"]);
    expect([...load(project(files), { env: { COMPOSE_PROFILES: "*" } }).services.keys()]).toHaveLength(3);
  });

  it("env_file values fill environment below what environment sets, located in the env file", () => {
    const dir = project({
      "compose.yaml": "services:\n  a:\n    image: x\n    env_file: [app.env, {path: optional.env, required: false}]\n    environment: {A: own}\n",
      "app.env": "# comment\nA=from-file\nB=two\n",
    });
    const p = load(dir);
    expect(service(p, "a").environment).toEqual({ A: "own", B: "two" });
    expect(get(get(p.services.get("a"), "environment"), "B")!.origin).toMatchObject({ file: join(dir, "app.env"), line: 3 });
    const missing = project({ "compose.yaml": "services:\n  a:\n    image: x\n    env_file: nope.env\n" });
    expect(errorOf(() => load(missing)).code).toBe("E_COMPOSE_FILE_MISSING");
  });
});

describe("loadComposeProject: YAML merge keys", () => {
  it("<<: *anchor merges the anchor's keys below the ones written", () => {
    const dir = project({ "compose.yaml": "x-env: &env\n  A: '1'\n  B: '2'\nservices:\n  a:\n    image: x\n    environment:\n      <<: *env\n      B: own\n" });
    expect(service(load(dir), "a").environment).toEqual({ A: "1", B: "own" });
  });
});

describe("loadComposeProject: duplicate keys", () => {
  it("a key written twice in one mapping is E_COMPOSE_YAML at the second", () => {
    const e = errorOf(() => load(project({ "compose.yaml": "services:\n  a:\n    image: x\n    image: y\n" })));
    expect(e.code).toBe("E_COMPOSE_YAML");
    expect(e.location).toMatchObject({ line: 4, col: 5 });
  });
});
