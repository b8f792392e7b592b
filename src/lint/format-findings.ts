import { relative } from "node:path";
import type { Finding, LintRule } from "./lint-rule.js";

export interface Summary {
  errors: number;
  warnings: number;
  fixable: number;
  files: number;
}

export function summarize(findings: readonly Finding[], files: number): Summary {
  return {
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    fixable: findings.filter((f) => f.fix).length,
    files,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `file:line:col severity rule-id message` per finding, then a summary line. */
export function formatText(findings: readonly Finding[], files: number, cwd: string): string {
  const s = summarize(findings, files);
  const lines = findings.map((f) => `${relative(cwd, f.file) || f.file}:${f.line}:${f.col} ${f.severity} ${f.ruleId} ${f.message}`);
  const total = s.errors + s.warnings;
  lines.push(
    total === 0
      ? `no problems in ${plural(files, "file")}`
      : `${plural(total, "problem")} (${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}) in ${plural(files, "file")}${s.fixable ? `; ${s.fixable} fixable with --fix` : ""}`,
  );
  return lines.join("\n") + "\n";
}

export function formatJson(findings: readonly Finding[], files: readonly string[], cwd: string): string {
  const s = summarize(findings, files.length);
  return (
    JSON.stringify(
      {
        ok: s.errors === 0,
        files: files.map((f) => relative(cwd, f) || f),
        findings: findings.map((f) => ({ file: relative(cwd, f.file) || f.file, line: f.line, col: f.col, severity: f.severity, ruleId: f.ruleId, message: f.message, fixable: !!f.fix })),
        summary: s,
      },
      null,
      2,
    ) + "\n"
  );
}

/** SARIF 2.1.0, as code-scanning tools read it: one run, the rules as the driver's, paths from the project folder. */
export function formatSarif(findings: readonly Finding[], rules: readonly LintRule[], cwd: string, version: string): string {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "dev lint",
            semanticVersion: version,
            rules: rules.map((r) => ({ id: r.meta.id, shortDescription: { text: r.meta.docs }, defaultConfiguration: { level: r.meta.severity } })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: `file://${cwd.endsWith("/") ? cwd : `${cwd}/`}` } },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: f.severity,
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: relative(cwd, f.file).split("\\").join("/"), uriBaseId: "SRCROOT" }, region: { startLine: f.line, startColumn: f.col } } }],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
