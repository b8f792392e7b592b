import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadComposeProject } from "../../src/compose/index.js";
import { lintProject } from "../../src/lint/lint-project.js";
import type { Finding } from "../../src/lint/lint-rule.js";
import { RULES } from "../../src/lint/rules/index.js";

const CORPUS = fileURLToPath(new URL("../corpus", import.meta.url));
const GOLDEN = fileURLToPath(new URL("./lint", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

const attempt = <T>(fn: () => T): T | undefined => {
  try {
    return fn();
  } catch {
    return undefined;
  }
};

/**
 * Each real project as its README sets it up, with what must be found and what must not: the
 * rules listed under `silent` have a reason to stay quiet on that project (a middleware defined
 * on another service, healthchecks present, every depends_on resolving ...).
 */
export const LINT_CORPUS: { name: string; setup?: (dir: string) => void; fires: string[]; silent: string[] }[] = [
  {
    name: "traefik-fastapi",
    fires: ["datastore-exposed", "traefik-api-insecure", "docker-socket", "image-tag"],
    silent: ["traefik-undefined-middleware", "traefik-router-rule", "traefik-router-collision", "duplicate-host-port", "depends-on-healthy", "depends-on-unknown", "compose-schema", "literal-secret"],
  },
  { name: "nginx-purldb", fires: [], silent: ["nginx-proxy-pass", "compose-schema", "depends-on-unknown", "duplicate-host-port", "datastore-exposed"] },
  { name: "celery-saleor", fires: ["datastore-exposed", "image-tag", "literal-secret"], silent: ["depends-on-unknown", "depends-on-healthy", "compose-schema", "duplicate-host-port"] },
  { name: "profiles-ragflow", fires: ["datastore-exposed"], silent: ["compose-schema", "depends-on-unknown", "depends-on-healthy", "duplicate-host-port"] },
  { name: "extends-pycroft", setup: (dir) => cpSync(join(dir, "example.env"), join(dir, ".env")), fires: [], silent: ["compose-schema", "depends-on-unknown", "depends-on-healthy"] },
  { name: "large-train-ticket", fires: ["image-tag", "literal-secret"], silent: ["compose-schema", "depends-on-unknown", "duplicate-host-port"] },
];

/** Lints a copy of a corpus project (with the process environment kept out) and returns the findings. */
export function lintCorpusProject(name: string, setup?: (dir: string) => void): { dir: string; findings: Finding[] } {
  const dir = join(realpathSync(mkdtempSync(join(tmpdir(), "lint-corpus-"))), name);
  cpSync(join(CORPUS, name), dir, { recursive: true });
  setup?.(dir);
  const project = loadComposeProject({ cwd: dir, env: {} });
  const findings = lintProject(project, { extra: { readFile: (p) => attempt(() => readFileSync(p, "utf8")), listDir: (p) => attempt(() => readdirSync(p)) } });
  return { dir, findings };
}

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
