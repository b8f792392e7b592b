import { contentHash } from "../fs/content-hash.js";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { memoryReader } from "../fs/disk-reader.js";
import { withGeneratedHeader } from "../fs/generated-header.js";
import { loadPresets } from "../presets/load-presets.js";
import { DEFAULT_HEALTH, type StackConfig } from "../stack/stack-config.js";
import { assertNoConflicts, changedFiles, diffPlan } from "./diff-plan.js";
import { collectEnvEntries } from "./env-entries.js";
import { layersOf } from "../render/layer-files.js";
import type { Plan, PlannedFile } from "../fs/plan.js";
import { planProject } from "./plan-project.js";
import { generateSecret, resolveEnv } from "./resolve-env.js";
import { envNameOf, resolveServices } from "../stack/resolve-services.js";

const presets = loadPresets();
const stackOf = (presetsList: string[], services: StackConfig["services"]): StackConfig => ({
  version: 1, name: "shop", presets: presetsList, services, images: {}, health: { ...DEFAULT_HEALTH }, ignore: [],
});

describe("services with their defaults filled in", () => {
  it("a template service gets the template's port, its own folder and the template's required presets", () => {
    const [api, worker, gw] = resolveServices(stackOf(["redis"], {
      api: { template: "python-http" },
      worker: { template: "worker", depends_on: ["api", "redis"] },
      "api-gw": { template: "python-http", port: 9000, path: "gw", route: "/gw", strip_prefix: false, env: { N: 1 as unknown as string, B: true as unknown as string }, watch: ["lib"], reload: true, command: ["run"], stop_grace_period: "30s" },
    }), presets);
    expect(api).toMatchObject({ name: "api", port: 8000, path: "services/api", strip: true, dependsOn: [], env: {}, watch: ["services/api"], reload: false, envName: "API", route: undefined });
    expect(api!.preset?.name).toBe("python-http");
    expect(api!.vars).toEqual({ project: "shop", name: "api", envName: "API", port: "8000", route: "", path: "services/api" });
    expect(worker).toMatchObject({ path: "services/worker", port: undefined, dependsOn: ["api", "redis"] });
    expect(worker!.vars.port).toBe("");
    expect(gw).toMatchObject({
      port: 9000, path: "gw", route: "/gw", strip: false, env: { N: "1", B: "true" }, watch: ["gw", "lib"], reload: true, command: ["run"], stopGracePeriod: "30s", envName: "API_GW",
    });
    expect(gw!.vars).toMatchObject({ route: "/gw", port: "9000", path: "gw" });
  });

  it("an image service has no folder unless given one, and nothing to watch without one", () => {
    const [cache, tool] = resolveServices(stackOf([], { cache: { image: "memcached" }, tool: { image: "x", path: "tools/x", depends_on: ["cache", "cache"] } }), presets);
    expect(cache).toMatchObject({ image: "memcached", path: undefined, watch: [], preset: undefined });
    expect(cache!.vars.path).toBe("");
    expect(tool).toMatchObject({ path: "tools/x", watch: ["tools/x"], dependsOn: ["cache"] });
  });

  it("env names are upper snake case", () => {
    expect(envNameOf("api-gateway-2")).toBe("API_GATEWAY_2");
  });
});

describe(".env entries", () => {
  it("compose layers follow the presets: proxy and tools only when a preset needs them", () => {
    expect(layersOf(stackOf([], {}), presets)).toEqual(["base", "dev"]);
    expect(layersOf(stackOf(["postgres", "nginx"], {}), presets)).toEqual(["base", "dev", "proxy"]);
    expect(layersOf(stackOf(["jumpbox"], {}), presets)).toEqual(["base", "dev", "tools"]);
    expect(layersOf(stackOf(["traefik", "jumpbox"], {}), presets)).toEqual(["base", "dev", "proxy", "tools"]);
  });

  it("compose settings first, then each preset's, then host ports of services that listen; COMPOSE_FILE alone is managed", () => {
    const stack = stackOf(["postgres", "nginx", "traefik"], { api: { template: "python-http" }, worker: { template: "worker" }, "my-app": { image: "x", port: 3000 } });
    const entries = collectEnvEntries(stack, presets, resolveServices(stack, presets));
    expect(entries.map((e) => e.key)).toEqual([
      "COMPOSE_PROJECT_NAME", "COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR",
      "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD", "POSTGRES_PORT",
      "PROXY_PORT", "PROXY_HTTPS_PORT", "TRAEFIK_DASHBOARD_PORT",
      "API_PORT", "MY_APP_PORT",
    ]);
    expect(entries.filter((e) => e.managed).map((e) => e.key)).toEqual(["COMPOSE_FILE"]);
    expect(entries[0]).toMatchObject({ spec: { value: "shop" }, group: "compose (plain `docker compose` reads these)" });
    expect(entries[1]!.spec.value).toBe("compose.yaml:compose.dev.yaml:compose.proxy.yaml");
    expect(entries[2]!.spec.value).toBe(":");
    // PROXY_PORT is asked for by nginx and traefik: the first preset listed wins.
    expect(entries.find((e) => e.key === "PROXY_PORT")!.group).toBe("nginx");
    expect(entries.find((e) => e.key === "MY_APP_PORT")).toEqual({ key: "MY_APP_PORT", spec: { port: 3000, description: "host port of my-app" }, group: "service host ports" });
  });
});

describe("filling .env values", () => {
  const entries = [
    { key: "PW", spec: { secret: true }, group: "g" },
    { key: "A_PORT", spec: { port: 5432 }, group: "g" },
    { key: "B_PORT", spec: { port: 5432 }, group: "g" },
    { key: "FIXED", spec: { value: "app" }, group: "g" },
    { key: "BLANK", spec: {}, group: "g" },
    { key: "COMPOSE_FILE", spec: { value: "compose.yaml:compose.dev.yaml" }, group: "g", managed: true },
  ];

  it("a port another key already holds is not handed out again", async () => {
    const asked: [number, number[]][] = [];
    const values = await resolveEnv(entries, new Map([["A_PORT", "5432"]]), async (preferred, taken) => {
      asked.push([preferred, [...taken]]);
      let p = preferred;
      while (taken.has(p)) p++;
      return p;
    }, () => "s");
    expect(asked).toEqual([[5432, [5432]]]);
    expect(values.values).toMatchObject({ A_PORT: "5432", B_PORT: "5433", PW: "s", FIXED: "app", BLANK: "" });
    expect(values.filled).toEqual(["PW", "B_PORT", "FIXED", "BLANK", "COMPOSE_FILE"]);
  });

  it("an empty value in .env is kept, not refilled", async () => {
    const values = await resolveEnv(entries, new Map([["PW", ""], ["FIXED", ""]]), async (p) => p, () => "s");
    expect(values.values.PW).toBe("");
    expect(values.values.FIXED).toBe("");
    expect(values.filled).not.toContain("PW");
  });

  it("COMPOSE_FILE: our layers in our order, then the user's own files; layers we dropped go", async () => {
    const run = (have: string) => resolveEnv(entries, new Map([["COMPOSE_FILE", have]]), async (p) => p, () => "s").then((r) => r.values.COMPOSE_FILE);
    expect(await run("compose.dev.yaml:mine.yaml:compose.yaml")).toBe("compose.yaml:compose.dev.yaml:mine.yaml");
    expect(await run("compose.yaml:compose.dev.yaml:compose.proxy.yaml:compose.tools.yaml")).toBe("compose.yaml:compose.dev.yaml");
    expect(await run("compose.yaml::compose.override.yaml:my-compose.yaml")).toBe("compose.yaml:compose.dev.yaml:compose.override.yaml:my-compose.yaml");
  });

  it("secrets are long, URL-safe and different each time", () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
  });
});

describe("what happens to each file", () => {
  const desired = (owner: PlannedFile["owner"]) => ({ path: "f", content: "new", owner });
  it("files the user merges into or stack.yaml itself are updated when they differ", () => {
    for (const owner of ["merge", "stack"] as const) {
      // `base`: the hash of what was read, so the flush refuses a file that changed meanwhile.
      expect(diffPlan([desired(owner)], memoryReader({ f: "old" }))[0]).toEqual({ path: "f", content: "new", owner, action: "update", base: contentHash("old") });
    }
    expect(diffPlan([desired("starter")], memoryReader({ f: "old" }))[0]).toMatchObject({ action: "skip", reason: "exists and is yours to edit" });
    expect(diffPlan([desired("generated")], memoryReader({ f: "hand-written, no header" }))[0]).toMatchObject({ action: "conflict" });
    expect(diffPlan([{ ...desired("generated"), content: withGeneratedHeader("b") }], memoryReader({ f: withGeneratedHeader("a") }))[0]!.action).toBe("update");
  });

  it("only created and updated files are written", () => {
    const plan: Plan = { root: "/", notes: [], files: (["create", "update", "unchanged", "skip", "conflict"] as const).map((action) => ({ path: action, content: "", owner: "generated", action })) };
    expect(changedFiles(plan).map((f) => f.path)).toEqual(["create", "update"]);
  });

  it("hand edits stop the whole plan, listing each file, exit 1", () => {
    const file = (path: string, action: PlannedFile["action"]): PlannedFile => ({ path, content: "", owner: "generated", action, reason: "edited by hand" });
    expect(() => assertNoConflicts({ root: "/", notes: [], files: [file("a", "update")] })).not.toThrow();
    const one = (() => {
      try {
        assertNoConflicts({ root: "/", notes: [], files: [file("a", "update"), file("compose.yaml", "conflict")] });
      } catch (err) {
        return err as StackError;
      }
    })();
    expect(one).toMatchObject({ code: "E_USER_EDITED", exitCode: 1, message: "a generated file was edited by hand; nothing was written", details: ["compose.yaml: edited by hand"] });
    expect(one!.hint).toMatch(/^move the change into stack\.yaml/);
    expect(() => assertNoConflicts({ root: "/", notes: [], files: [file("a", "conflict"), file("b", "conflict")] })).toThrow("generated files were edited by hand; nothing was written");
  });
});

describe("planning a project", () => {
  const allocate = async (p: number, taken: ReadonlySet<number>) => {
    while (taken.has(p)) p++;
    return p;
  };

  it("a new project: .env with a header and every value, .env.example with blank secrets, no notes", async () => {
    const stack = stackOf(["postgres"], { api: { template: "python-http" } });
    const plan = await planProject({ root: "/p", stack, presets, reader: memoryReader(), allocatePort: allocate, secret: () => "s3cret" });
    const env = plan.files.find((f) => f.path === ".env")!;
    expect(env).toMatchObject({ owner: "merge", mode: 0o600, action: "create" });
    expect(env.content.split("\n")[0]).toBe("# This checkout's secrets and host ports. Not committed (see .gitignore); .env.example is.");
    expect(env.content).toContain("\nPOSTGRES_PASSWORD=s3cret\n");
    const example = plan.files.find((f) => f.path === ".env.example")!;
    expect(example.content).toContain("\nPOSTGRES_PASSWORD=\n");
    expect(example.content).toContain("\nPOSTGRES_USER=app\n");
    expect(example.content).toContain("# Copy to .env and fill in the blank secrets");
    expect(plan.notes).toEqual([]);
    expect(plan.files.map((f) => f.path)).not.toContain("README.md");
    expect(plan.files.map((f) => f.path)).not.toContain("proxy/nginx/default.conf");
    expect(plan.files.find((f) => f.path === ".gitignore")!.content).toBe(".env\n.create-stack/\n.*.create-stack-*\n__pycache__/\n*.pyc\n.venv/\nnode_modules/\n");
  });

  it("an existing .env that lacks a port gets it, and the user is told which port", async () => {
    const stack = stackOf(["postgres"], { api: { template: "python-http" } });
    const plan = await planProject({ root: "/p", stack, presets, reader: memoryReader({ ".env": "POSTGRES_PORT=5432\nPOSTGRES_PASSWORD=x\n" }), allocatePort: allocate, secret: () => "s" });
    expect(plan.notes).toEqual(["new host ports in .env: API_PORT=8000"]);
    const same = await planProject({ root: "/p", stack, presets, reader: memoryReader({ ".env": "POSTGRES_PORT=5432\nAPI_PORT=8000\n" }), allocatePort: allocate, secret: () => "s" });
    expect(same.notes).toEqual([]);
  });

  it("services sharing a folder share one requirements.txt, each package once", async () => {
    const stack = stackOf(["redis"], { api: { template: "fastapi" }, mail: { template: "worker", path: "services/api" }, jobs: { template: "worker", path: "services/api" }, img: { image: "x", path: "services/img" } });
    const plan = await planProject({ root: "/p", stack, presets, reader: memoryReader(), allocatePort: allocate, secret: () => "s" });
    expect(plan.files.filter((f) => f.path.endsWith("requirements.txt")).map((f) => [f.path, f.content, f.owner])).toEqual([
      ["services/api/requirements.txt", "fastapi\nuvicorn\ncelery\nredis\n", "merge"],
    ]);
    expect(plan.files.filter((f) => f.path === "services/api/tasks.py")).toHaveLength(1);
  });

  it("stack.yaml text given by the command is planned first; a user .gitignore gets only what it lacks", async () => {
    const stack = stackOf([], { api: { template: "python-http" } });
    const plan = await planProject({ root: "/p", stack, presets, reader: memoryReader({ ".gitignore": "node_modules/\n.env\n" }), stackText: "version: 1\n", readme: true, allocatePort: allocate });
    expect(plan.files[0]).toMatchObject({ path: "stack.yaml", content: "version: 1\n", owner: "stack", action: "create" });
    expect(plan.files.find((f) => f.path === ".gitignore")!.content).toBe("node_modules/\n.env\n.create-stack/\n.*.create-stack-*\n__pycache__/\n*.pyc\n.venv/\n");
    expect(plan.files.find((f) => f.path === "README.md")).toMatchObject({ owner: "docs", action: "create" });
  });
});
