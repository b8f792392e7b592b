import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, fixtureCases, planFixture, storedPath } from "./plan-fixture.js";

const update = process.env.UPDATE_GOLDEN === "1";

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full)];
  });
}

/** What a plan says besides file contents: modes to write with (.env is 0600) and notes for the user. */
interface PlanFacts {
  modes: Record<string, string>;
  notes: string[];
}

const factsOf = (plan: Awaited<ReturnType<typeof planFixture>>): PlanFacts => ({
  modes: Object.fromEntries(plan.files.filter((f) => f.mode !== undefined).map((f) => [f.path, f.mode!.toString(8).padStart(4, "0")])),
  notes: plan.notes,
});

describe("golden: every planned file equals fixtures/<case>/expected, modes and notes fixtures/<case>/plan.json", () => {
  it("has cases", () => expect(fixtureCases().length).toBeGreaterThanOrEqual(5));

  for (const name of fixtureCases()) {
    it(name, async () => {
      const plan = await planFixture(name);
      const expectedDir = join(FIXTURES, name, "expected");
      const factsFile = join(FIXTURES, name, "plan.json");
      if (update) {
        writeFileSync(factsFile, JSON.stringify(factsOf(plan), null, 2) + "\n");
        rmSync(expectedDir, { recursive: true, force: true });
        for (const f of plan.files) {
          mkdirSync(dirname(join(expectedDir, storedPath(f.path))), { recursive: true });
          writeFileSync(join(expectedDir, storedPath(f.path)), f.content);
        }
      }
      expect(plan.files.every((f) => f.action === "create")).toBe(true);
      expect(plan.files.map((f) => storedPath(f.path)).sort()).toEqual(listFiles(expectedDir).sort());
      for (const f of plan.files) expect(f.content, f.path).toBe(readFileSync(join(expectedDir, storedPath(f.path)), "utf8"));
      if (!existsSync(factsFile)) throw new Error(`${factsFile} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden, then review the diff`);
      expect(factsOf(plan)).toEqual(JSON.parse(readFileSync(factsFile, "utf8")));
    });
  }
});
