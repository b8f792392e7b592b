import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEnvFile } from "../../src/fs/parse-env-file.js";
import { WATCH_FILE } from "../../src/render/watch-layer.js";
import { fixtureCases, planFixture } from "./plan-fixture.js";

const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const LAYERS = ["compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "compose.tools.yaml"];
const OVERRIDE = { tag: "!override", collection: "seq" as const, resolve: (seq: unknown) => seq };

interface Rule {
  action: string;
  path: string;
  target?: string;
  ignore?: string[];
}

describe(`${WATCH_FILE}: develop.watch for plain compose v2.24+, outside the layers every compose reads`, () => {
  for (const name of fixtureCases()) {
    it(`${name}: passes the schema; each watched template gets sync(+restart) of its mounted folder and rebuilds, and loses that mount; .env does not list it by default`, async () => {
      const plan = await planFixture(name);
      const file = plan.files.find((f) => f.path === WATCH_FILE);
      expect(file, "always written").toBeDefined();
      const layer = parse(file!.content, { customTags: [OVERRIDE] }) as { services: Record<string, { volumes?: unknown[]; develop: { watch: Rule[] } }> };
      expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
      expect(file!.content).not.toMatch(/start_interval|healthcheck|image:|command:/);

      const merged: Record<string, { volumes: string[]; build?: unknown }> = {};
      for (const path of LAYERS) {
        const f = plan.files.find((x) => x.path === path);
        for (const [svc, def] of Object.entries<any>(f ? (parse(f.content) as any).services ?? {} : {})) {
          merged[svc] = { volumes: [...(merged[svc]?.volumes ?? []), ...(def.volumes ?? [])], build: def.build ?? merged[svc]?.build };
        }
      }
      const planned = new Set(plan.files.map((f) => f.path));
      for (const [svc, def] of Object.entries(layer.services)) {
        // Rebuild needs a build section: compose refuses the rule otherwise.
        expect(merged[svc]?.build, svc).toBeDefined();
        const rules = def.develop.watch;
        for (const r of rules.filter((x) => x.action === "rebuild")) expect(r.path, svc).toMatch(/^\.\//);
        const syncs = rules.filter((r) => r.action.startsWith("sync"));
        expect(syncs.length, svc).toBeLessThanOrEqual(1);
        for (const s of syncs) {
          // The folder the dev layer mounts, at the same target; that mount is gone from the list.
          expect(merged[svc]!.volumes, svc).toContain(`${s.path}:${s.target}`);
          expect(def.volumes, svc).toBeDefined();
          expect(def.volumes!.some((v) => typeof v === "string" && v.startsWith(`${s.path}:`)), svc).toBe(false);
          // The starter's own files are synced (not ignored): a save of app.py, server.js reaches it.
          const sources = [...planned].filter((p) => p.startsWith(s.path.slice(2) + "/") && /\.(py|js)$/.test(p));
          expect(sources.length, svc).toBeGreaterThan(0);
          for (const ig of s.ignore ?? []) expect(sources.some((p) => p.endsWith(ig)), `${svc} ignores ${ig}`).toBe(false);
        }
        // The Dockerfile of a template service is a rebuild trigger.
        if (syncs.length) expect(rules.some((r) => r.action === "rebuild" && r.path === `${syncs[0]!.path}/Dockerfile`), svc).toBe(true);
      }
      const env = parseEnvFile(plan.files.find((f) => f.path === ".env")!.content);
      expect(env.get("COMPOSE_FILE")!.split(":")).not.toContain(WATCH_FILE);
    });
  }
});
