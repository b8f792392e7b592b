import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadComposeProject } from "../../src/compose/index.js";
import { lintProject } from "../../src/lint/lint-project.js";
import type { Finding } from "../../src/lint/lint-rule.js";

const CORPUS = fileURLToPath(new URL("../corpus", import.meta.url));

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

