import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { contentHash } from "../../src/fs/content-hash.js";
import { PACKAGE_ROOT, PRESETS_DIR, TEMPLATES_DIR } from "../../src/fs/package-paths.js";
import { FIXTURES, fixtureCases, planFixture, storedPath } from "./plan-fixture.js";

// The bundled CLI renders the shipped templates from code the build compiled
// (scripts/precompile.mjs replaces src/render/precompiled-templates.ts). Here that generated module
// takes the source module's place, and every golden case is planned through it: the same files,
// byte for byte, and each template rendered came from the build's table: none is compiled, so
// Handlebars' compiler is never loaded.
const made = vi.hoisted(() => ({ asked: new Set<string>(), found: new Set<string>() }));
vi.mock("../../src/render/precompiled-templates.js", async () => {
  const { precompiledTemplatesModule } = (await import(pathToFileURL(join(PACKAGE_ROOT, "scripts/precompile.mjs")).href)) as { precompiledTemplatesModule(): string };
  const file = join(mkdtempSync(join(tmpdir(), "create-stack-templates-")), "precompiled-templates.mjs");
  writeFileSync(file, precompiledTemplatesModule());
  const generated = (await import(pathToFileURL(file).href)) as { precompiledTemplate(hash: string): object | undefined };
  return {
    precompiledTemplate(hash: string) {
      made.asked.add(hash);
      const spec = generated.precompiledTemplate(hash);
      if (spec) made.found.add(hash);
      return spec;
    },
  };
});
function hbsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".hbs"))
    .map((f) => join(dir, f));
}

describe("the shipped templates, compiled by the build", () => {
  it("plan every golden case to its expected files, each template from the build's table", async () => {
    for (const name of fixtureCases()) {
      const plan = await planFixture(name);
      for (const f of plan.files) expect(f.content, `${name}: ${f.path}`).toBe(readFileSync(join(FIXTURES, name, "expected", storedPath(f.path)), "utf8"));
    }
    expect(made.asked.size).toBeGreaterThan(10);
    expect([...made.asked].filter((h) => !made.found.has(h))).toEqual([]);
  });

  it("hold every shipped template, and not one edited since", async () => {
    const { precompiledTemplate } = await import("../../src/render/precompiled-templates.js");
    for (const file of [...hbsFiles(PRESETS_DIR), ...hbsFiles(TEMPLATES_DIR)]) {
      const text = readFileSync(file, "utf8");
      expect(precompiledTemplate(contentHash(text)), file).toBeTruthy();
      expect(precompiledTemplate(contentHash(text + "\n{{edited}}"))).toBeUndefined();
    }
  });

});
