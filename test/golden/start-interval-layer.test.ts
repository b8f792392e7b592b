import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildStackConfig } from "../../src/create/build-stack-config.js";
import { parseEnvFile } from "../../src/fs/parse-env-file.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { syncProject } from "../../src/plan/sync-project.js";
import { START_INTERVAL, START_INTERVAL_FILE } from "../../src/render/start-interval-layer.js";
import { loadProject } from "../../src/stack/load-project.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../../src/stack/stack-document.js";
import { fixtureCases, planFixture } from "./plan-fixture.js";

const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const LAYERS = ["compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "compose.tools.yaml"];

describe(`${START_INTERVAL_FILE}: start_interval for compose v2 on Docker 25+, outside the layers every compose reads`, () => {
  it("the reference schema knows healthcheck.start_interval (control)", () => {
    expect(validate({ services: { api: { healthcheck: { start_interval: "250ms" } } } })).toBe(true);
    expect(validate({ services: { api: { healthcheck: { start_intervall: "250ms" } } } })).toBe(false);
  });

  for (const name of fixtureCases()) {
    it(`${name}: passes the schema, carries only start_interval, for exactly the healthchecked services; .env does not list it by default`, async () => {
      const plan = await planFixture(name);
      const file = plan.files.find((f) => f.path === START_INTERVAL_FILE);
      expect(file, "always written").toBeDefined();
      const layer = parse(file!.content) as { services: Record<string, unknown> };
      expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(layer)).toEqual(["services"]);
      for (const [svc, def] of Object.entries(layer.services)) expect(def, svc).toEqual({ healthcheck: { start_interval: START_INTERVAL } });

      // What compose merges: the other layers in order, then this one.
      const merged: Record<string, Record<string, any>> = {};
      for (const path of LAYERS) {
        const f = plan.files.find((x) => x.path === path);
        if (!f) continue;
        for (const [svc, def] of Object.entries<any>((parse(f.content) as any).services ?? {})) {
          merged[svc] = { ...merged[svc], ...def, healthcheck: def.healthcheck ? { ...merged[svc]?.healthcheck, ...def.healthcheck } : merged[svc]?.healthcheck };
        }
      }
      const healthchecked = Object.entries(merged).filter(([, d]) => d.healthcheck?.test && d.healthcheck.start_period !== "0s").map(([s]) => s);
      expect(Object.keys(layer.services).sort()).toEqual(healthchecked.sort());
      // It only adds to a healthcheck the other layers define: never a service or check of its own.
      for (const svc of Object.keys(layer.services)) expect(merged[svc]?.healthcheck?.test, svc).toBeTruthy();

      const env = parseEnvFile(plan.files.find((f) => f.path === ".env")!.content);
      expect(env.get("COMPOSE_FILE")!.split(":")).not.toContain(START_INTERVAL_FILE);
    });
  }
});

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "start-interval-"));
  const stack = buildStackConfig({ name: "shop", presets: ["python-http", "postgres"], proxy: "nginx", images: {} }, loadPresets());
  writeFileSync(join(root, "stack.yaml"), createStackDocument(stack).toString(STACK_TEXT_OPTIONS));
  return root;
}
const composeFile = (root: string) => parseEnvFile(readFileSync(join(root, ".env"), "utf8")).get("COMPOSE_FILE")!;
const setComposeFile = (root: string, value: string) => {
  const file = join(root, ".env");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^COMPOSE_FILE=.*$/m, `COMPOSE_FILE=${value}`));
};

const ALL = { startInterval: true, watch: true };
const NONE = { startInterval: false, watch: false };
const WATCH_FILE = "compose.watch.yaml";

describe("COMPOSE_FILE follows the machine through the plan and flush", () => {
  it("supported: listed after our layers and before the user's own; unsupported later: taken out, the user's file kept", async () => {
    const root = project();
    const first = await syncProject(loadProject(root), { composeSupport: ALL });
    expect(first.written).toContain(START_INTERVAL_FILE);
    expect(first.written).toContain(WATCH_FILE);
    // The watch layer is written, not listed: listing it is the user's choice (see README).
    expect(composeFile(root)).toBe(`compose.yaml:compose.dev.yaml:compose.proxy.yaml:${START_INTERVAL_FILE}`);
    setComposeFile(root, `${composeFile(root)}:${WATCH_FILE}:compose.mine.yaml`);
    // Without a check (dev sync, dev add) .env stays (.env.example takes the user's file, as before).
    expect((await syncProject(loadProject(root))).written).toEqual([".env.example"]);
    expect(readFileSync(join(root, ".env.example"), "utf8")).toContain("COMPOSE_FILE=compose.yaml:compose.dev.yaml:compose.proxy.yaml:compose.mine.yaml\n");
    expect((await syncProject(loadProject(root), { composeSupport: ALL })).written).toEqual([]);
    const down = await syncProject(loadProject(root), { composeSupport: NONE });
    expect(down.written).toEqual([".env"]);
    expect(down.plan.notes.join("\n")).toMatch(/no longer lists compose\.start-interval\.yaml/);
    expect(down.plan.notes.join("\n")).toMatch(/no longer lists compose\.watch\.yaml/);
    // Once taken out for a compose that does not understand it, it stays out: the user lists it again.
    expect(composeFile(root)).toBe("compose.yaml:compose.dev.yaml:compose.proxy.yaml:compose.mine.yaml");
    const up = await syncProject(loadProject(root), { composeSupport: { startInterval: true, watch: false } });
    expect(up.plan.notes.join("\n")).toMatch(/now lists compose\.start-interval\.yaml/);
    expect(composeFile(root)).toBe(`compose.yaml:compose.dev.yaml:compose.proxy.yaml:${START_INTERVAL_FILE}:compose.mine.yaml`);
  });

  it("derived, never remembered: a check lists what the machine supports, whatever .env said; nothing is kept in .create-stack/", async () => {
    const root = project();
    await syncProject(loadProject(root), { composeSupport: ALL });
    setComposeFile(root, "compose.yaml:compose.dev.yaml:compose.proxy.yaml");
    // dev sync, dev add: no check, .env as it is.
    expect((await syncProject(loadProject(root))).written).toEqual([]);
    expect((await syncProject(loadProject(root), { composeSupport: ALL })).written).toEqual([".env"]);
    expect(composeFile(root)).toBe(`compose.yaml:compose.dev.yaml:compose.proxy.yaml:${START_INTERVAL_FILE}`);
    expect(existsSync(join(root, ".create-stack", "start-interval.json"))).toBe(false);
  });

  it("a dry run decides but writes nothing", async () => {
    const root = project();
    await syncProject(loadProject(root), { composeSupport: NONE });
    const env = readFileSync(join(root, ".env"), "utf8");
    const dry = await syncProject(loadProject(root), { composeSupport: ALL, dryRun: true });
    expect(parseEnvFile(dry.plan.files.find((f) => f.path === ".env")!.content).get("COMPOSE_FILE")!.split(":")).toContain(START_INTERVAL_FILE);
    expect(readFileSync(join(root, ".env"), "utf8")).toBe(env);
  });
});
