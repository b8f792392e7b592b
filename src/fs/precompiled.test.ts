import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkPreset } from "../presets/check-preset.js";
import { contentHash } from "./content-hash.js";
import { PACKAGE_ROOT, PRESETS_DIR } from "./package-paths.js";
import { presetSchemaValidator, stackSchemaValidator } from "./schema-validators.js";

// The bundled CLI replaces schema-validators.ts and prechecked-presets.ts with modules the build
// generates (scripts/precompile.mjs). These tests load those generated modules and hold them to
// what the source modules do.
type Generators = { schemaValidatorsModule(): string; precheckedPresetsModule(): string };
const generators = (await import(pathToFileURL(join(PACKAGE_ROOT, "scripts/precompile.mjs")).href)) as Generators;
const dir = mkdtempSync(join(tmpdir(), "create-stack-precompiled-"));

async function load(name: string, code: string): Promise<Record<string, any>> {
  const file = join(dir, `${name}.mjs`);
  // As in the bundle (its banner): the generated validators require ajv's small runtime helpers.
  writeFileSync(file, `import { createRequire } from "node:module"; const require = createRequire(${JSON.stringify(join(PACKAGE_ROOT, "package.json"))});\n${code}`);
  return import(pathToFileURL(file).href);
}

function stackFiles(): string[] {
  const root = join(PACKAGE_ROOT, "fixtures");
  return readdirSync(root).flatMap((c) => [join(root, c, "stack.yaml"), join(root, c, "expected", "stack.yaml")]).filter((f) => existsSync(f));
}

function presetFiles(): string[] {
  return readdirSync(PRESETS_DIR).map((p) => join(PRESETS_DIR, p, "preset.yaml")).filter((f) => existsSync(f));
}

/** Valid data, then variants that break it in the ways users do. */
function variants(data: any, kind: "stack" | "preset"): unknown[] {
  const copy = () => structuredClone(data);
  const out: unknown[] = [data, {}, null, "text", []];
  const tweak = (f: (d: any) => void) => {
    const d = copy();
    f(d);
    out.push(d);
  };
  tweak((d) => (d.unknown_key = 1));
  tweak((d) => (d.name = "Bad Name"));
  tweak((d) => (d.name = 42));
  tweak((d) => delete d.name);
  if (kind === "stack") {
    tweak((d) => (d.version = 2));
    tweak((d) => (d.presets = ["Postgres", 3]));
    tweak((d) => {
      for (const svc of Object.values<any>(d.services ?? {})) {
        svc.port = "eighty";
        svc.route = "";
        svc.health = { interval: "soon", retries: -1 };
        svc.env = { "1BAD": "x", GOOD: { nested: true } };
        svc.extra = true;
      }
    });
    tweak((d) => (d.images = { "bad image": "x y", "postgres:16": "" }));
  } else {
    tweak((d) => (d.kind = "database"));
    tweak((d) => (d.env = { X: { secret: "yes", port: "p" } }));
    tweak((d) => (d.files = [{ template: 3, owner: "mine" }]));
    tweak((d) => (d.layers = { prod: {}, base: { services: [] } }));
    tweak((d) => (d.proxy = { renderer: 1 }));
  }
  return out;
}

function same(compiled: ValidateFunction, generated: ValidateFunction, data: unknown): void {
  const ok = compiled(data);
  expect(generated(data), JSON.stringify(data)).toBe(ok);
  expect(generated.errors ?? null).toEqual(compiled.errors ?? null);
}

describe("what the build precompiles", () => {
  it("the generated schema validators accept and reject what the compiled ones do, with the same errors", async () => {
    const generated = await load("validators", generators.schemaValidatorsModule());
    const stacks = stackFiles();
    const presets = presetFiles();
    expect(stacks.length).toBeGreaterThan(5);
    expect(presets.length).toBeGreaterThan(5);
    let rejected = 0;
    for (const file of stacks) {
      for (const data of variants(parse(readFileSync(file, "utf8")), "stack")) {
        same(stackSchemaValidator(), generated.stackSchemaValidator(), data);
        if (!stackSchemaValidator()(data)) rejected++;
      }
    }
    for (const file of presets) {
      for (const data of variants(parse(readFileSync(file, "utf8")), "preset")) {
        same(presetSchemaValidator(), generated.presetSchemaValidator(), data);
        if (!presetSchemaValidator()(data)) rejected++;
      }
    }
    // The variants do fail: the comparison covers error lists, not only `true`.
    expect(rejected).toBeGreaterThan((stacks.length + presets.length) * 5);
  });

  it("the prechecked presets are checkPreset's data by text hash, a fresh copy each time; other text is not known", async () => {
    const { precheckedPreset } = await load("presets", generators.precheckedPresetsModule());
    for (const file of presetFiles()) {
      const text = readFileSync(file, "utf8");
      const data = precheckedPreset(contentHash(text));
      expect(data, file).toStrictEqual(checkPreset(text, file));
      data.name = "changed";
      expect(precheckedPreset(contentHash(text)).name).not.toBe("changed");
      expect(precheckedPreset(contentHash(`${text}\n# edited\n`))).toBeUndefined();
    }
  });
});
