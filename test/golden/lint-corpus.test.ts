import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/lint/lint-rule.js";
import { RULES } from "../../src/lint/rules/index.js";
import { LINT_CORPUS, lintCorpusProject } from "./lint-corpus-fixture.js";

const GOLDEN = fileURLToPath(new URL("./lint", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

const line = (dir: string, f: Finding) => `${relative(dir, f.file)}:${f.line}:${f.col} ${f.severity} ${f.ruleId} ${f.message}`;

describe("dev lint on the corpus of real projects: expected findings, and rules that must stay silent", () => {
  for (const { name, setup, fires, silent } of LINT_CORPUS) {
    it(name, () => {
      const { dir, findings } = lintCorpusProject(name, setup);
      const text = findings.map((f) => line(dir, f)).join("\n") + "\n";
      const path = join(GOLDEN, `${name}.findings.txt`);
      if (update || !existsSync(path)) writeFileSync(path, text);
      expect(text).toBe(readFileSync(path, "utf8"));
      const ids = new Set(findings.map((f) => f.ruleId));
      for (const id of fires) expect(ids, `${id} fires on ${name}`).toContain(id);
      for (const id of silent) expect(ids, `${id} stays silent on ${name}`).not.toContain(id);
      for (const id of [...fires, ...silent]) expect(RULES.map((r) => r.meta.id)).toContain(id);
    });
  }
});
