import type { ComposeProject, Origin } from "../compose/index.js";
import { isDisabled, readDisableComments, type DisableComments } from "./disable-comments.js";
import type { Finding, LintExtras, LintRule, TextEdit } from "./lint-rule.js";
import { RULES } from "./rules/index.js";

export interface LintOptions {
  /** Rule ids turned off (flag and stack.yaml). */
  disable?: readonly string[];
  rules?: readonly LintRule[];
  extra?: LintExtras;
}

/**
 * Runs every rule on a loaded project and returns the findings sorted by file and place, minus
 * those turned off by id or by a comment at their line. Pure: the project is read already.
 */
export function lintProject(project: ComposeProject, opts: LintOptions = {}): Finding[] {
  const off = new Set(opts.disable ?? []);
  const comments = new Map<string, DisableComments>();
  const commentsOf = (file: string) => {
    let c = comments.get(file);
    if (!c) {
      c = readDisableComments(project.sources.get(file)?.text ?? "");
      comments.set(file, c);
    }
    return c;
  };
  const findings: Finding[] = [];
  for (const rule of opts.rules ?? RULES) {
    if (off.has(rule.meta.id)) continue;
    const seen = new Set<string>();
    rule.check({
      project,
      extra: opts.extra ?? {},
      report(at: Origin, message: string, fix?: TextEdit[]) {
        // One value shared by several services (an extends base, a YAML anchor) is one finding, at its place.
        const key = `${at.file}:${at.line}:${at.col}`;
        if (seen.has(key) || isDisabled(commentsOf(at.file), at.line, rule.meta.id)) return;
        seen.add(key);
        findings.push({ ruleId: rule.meta.id, severity: rule.meta.severity, message, file: at.file, line: at.line, col: at.col, ...(fix ? { fix } : {}) });
      },
    });
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.ruleId.localeCompare(b.ruleId));
}
