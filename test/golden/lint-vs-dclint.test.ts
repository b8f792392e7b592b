import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DCLinter } from "dclint";
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { loadComposeProject, type ComposeProject } from "../../src/compose/index.js";
import { lintProject } from "../../src/lint/lint-project.js";
import type { Finding } from "../../src/lint/lint-rule.js";
import { LINT_CORPUS, lintCorpusProject } from "./lint-corpus-fixture.js";

/**
 * dclint (docker-compose-linter) is the peer: it lints each file on its own. Our rules that have a
 * counterpart there, and theirs; every other rule of ours finds what dclint has no rule for.
 */
const COUNTERPART: Record<string, string> = {
  "duplicate-host-port": "no-duplicate-exported-ports",
  "datastore-exposed": "no-unbound-port-interfaces",
  "image-tag": "service-image-require-explicit-tag",
};

interface Place {
  file: string;
  service: string;
}

/** The service block a line of a compose file is in (by the services: keys' lines). */
function serviceAt(project: ComposeProject, file: string, line: number): string | undefined {
  const source = project.sources.get(file);
  if (!source) return undefined;
  const lineCounter = new LineCounter();
  const services = parseDocument(source.text, { lineCounter }).get("services", true);
  if (!isMap(services)) return undefined;
  let found: string | undefined;
  for (const pair of services.items) {
    if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
    if (lineCounter.linePos(pair.key.range[0]).line <= line) found = String(pair.key.value);
  }
  return found;
}

function runDclint(files: string[]): { rule: string; file: string; service?: string; line: number }[] {
  const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
  const results = linter.lintFiles(files, false) as { filePath: string; messages: { rule: string; line: number; data?: unknown }[] }[];
  return results.flatMap((r) => r.messages.map((m) => ({ rule: m.rule, file: r.filePath, service: (m.data as { serviceName?: string } | undefined)?.serviceName, line: m.line })));
}

function compare(dir: string, project: ComposeProject, ours: Finding[]) {
  const theirs = runDclint([...project.sources.keys()].map((f) => relative(process.cwd(), f)));
  const placeOf = (f: Finding): Place => ({ file: f.file, service: serviceAt(project, f.file, f.line) ?? "" });
  const matched = (f: Finding) => {
    const p = placeOf(f);
    return theirs.some((t) => t.rule === COUNTERPART[f.ruleId] && join(process.cwd(), t.file) === p.file && t.service === p.service);
  };
  const onlyOurs = ours.filter((f) => !COUNTERPART[f.ruleId] || !matched(f));
  return { theirs, onlyOurs, rel: (f: Finding) => `${relative(dir, f.file)}:${f.line} ${f.ruleId}` };
}

describe("dev lint beside dclint on the corpus", () => {
  // dclint takes seconds per project on this machine.
  for (const { name, setup } of LINT_CORPUS) {
    it(`${name}: what we find that dclint does not, and nothing where its counterpart rule stays silent`, { timeout: 120_000 }, () => {
      const { dir, findings } = lintCorpusProject(name, setup);
      const project = loadComposeProject({ cwd: dir, env: {} });
      const { onlyOurs, theirs, rel } = compare(dir, project, findings);
      // Where a rule of ours has a counterpart, dclint reports the same service in the same file:
      // we raise nothing it (rightly) passes over.
      const unmatchedCounterparts = onlyOurs.filter((f) => COUNTERPART[f.ruleId]);
      expect(unmatchedCounterparts.map(rel)).toEqual([]);
      // Everything else we find, dclint has no rule for.
      const theirRules = new Set(theirs.map((t) => t.rule));
      for (const f of onlyOurs) expect(theirRules).not.toContain(f.ruleId);
      const byRule = new Map<string, number>();
      for (const f of onlyOurs) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
      process.stdout.write(`${name}: only dev lint: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(", ") || "nothing"}\n`);
    });
  }

  it("merged layers: a port clash made by extends and an override file, a healthcheck wait on nothing, a middleware defined nowhere", { timeout: 120_000 }, () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "lint-vs-dclint-")));
    writeFileSync(
      join(dir, "compose.yaml"),
      [
        "services:",
        "  proxy:",
        "    image: traefik:v3.1",
        "    ports: ['127.0.0.1:80:80']",
        "  web:",
        "    image: app:1.0",
        "    ports: ['127.0.0.1:8080:8080']",
        "    labels:",
        "      - traefik.http.routers.web.rule=PathPrefix(`/`)",
        "      - traefik.http.routers.web.middlewares=auth",
        "    depends_on: {db: {condition: service_healthy}}",
        "  db:",
        "    image: postgres:16",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "compose.override.yaml"), ["services:", "  admin:", "    extends: {file: compose.yaml, service: web}", ""].join("\n"));
    const project = loadComposeProject({ cwd: dir, env: {} });
    const ours = lintProject(project);
    const { theirs, onlyOurs } = compare(dir, project, ours);
    expect(new Set(onlyOurs.map((f) => f.ruleId))).toEqual(new Set(["duplicate-host-port", "depends-on-healthy", "traefik-undefined-middleware", "traefik-router-collision"]));
    expect(theirs.filter((t) => t.rule === "no-duplicate-exported-ports")).toEqual([]);
  });
});
