import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixtureCases, planFixture } from "./plan-fixture.js";
import { START_INTERVAL_FILE } from "../../src/render/start-interval-layer.js";
import { WATCH_FILE } from "../../src/render/watch-layer.js";

// compose v2.24+'s merge tag, in the watch layer only (which no v1 reads).
const OVERRIDE = { tag: "!override", collection: "seq" as const, resolve: (seq: unknown) => seq };

const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const composeFiles = (paths: string[]) => paths.filter((p) => /^compose(\.[a-z-]+)?\.yaml$/.test(p));

describe("generated compose files", () => {
  it("the schema check rejects what compose would reject (control)", () => {
    expect(validate({ services: { api: { image: "x", bogus: true } } })).toBe(false);
    expect(validate({ services: { api: { image: "x", depends_on: 5 } } })).toBe(false);
    expect(validate({ services: { api: { image: "x" } } })).toBe(true);
  });

  for (const name of fixtureCases()) {
    it(`${name}: every layer passes the Compose Specification schema and our rules`, async () => {
      const plan = await planFixture(name);
      const files = plan.files.filter((f) => composeFiles([f.path]).length);
      expect(files.map((f) => f.path)).toContain("compose.yaml");
      for (const f of files) {
        const doc = parse(f.content, f.path === WATCH_FILE ? { customTags: [OVERRIDE] } : {}) as Record<string, any>;
        const ok = validate(doc);
        expect(ok, `${f.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
        // Compose v1.29 rejects these; users on v2 would not notice until a teammate on v1 does.
        expect(doc.name, f.path).toBeUndefined();
        for (const [svc, def] of Object.entries<any>(doc.services ?? {})) {
          // Only in its own layer, which .env lists where compose v2.24+ runs.
          if (f.path !== WATCH_FILE) expect(def.develop, `${f.path} ${svc}`).toBeUndefined();
          else expect(f.content, f.path).not.toMatch(/^\s*[a-z_]+: !reset/m);
          // Only in its own layer, which .env lists where compose v2 and the engine support it.
          if (f.path !== START_INTERVAL_FILE) expect(def.healthcheck?.start_interval, `${f.path} ${svc}`).toBeUndefined();
          for (const port of def.ports ?? []) expect(String(port), `${f.path} ${svc}`).toMatch(/^127\.0\.0\.1:/);
        }
      }
      const base = parse(files.find((f) => f.path === "compose.yaml")!.content).services as Record<string, any>;
      for (const [svc, def] of Object.entries<any>(base)) {
        if (def.build) expect(def.init, `${svc} needs init: true so a restart is fast`).toBe(true);
        if (svc === "postgres" || svc === "redis") expect(def.healthcheck?.test, svc).toBeTruthy();
        for (const [dep, cond] of Object.entries<any>(def.depends_on ?? {})) {
          if (dep === "postgres" || dep === "redis") expect(cond.condition, `${svc} -> ${dep}`).toBe("service_healthy");
        }
      }
      const env = plan.files.find((f) => f.path === ".env")!.content;
      expect(env).not.toMatch(/PASSWORD=(postgres|changethis|password)?$/m);
    });
  }
});
