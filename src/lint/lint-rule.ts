import type { ComposeProject, Origin } from "../compose/index.js";

export type Severity = "error" | "warning";

/** A safe fix: replace [start, end) of a file's text with `text`; comments and layout around it stay. */
export interface TextEdit {
  file: string;
  range: [number, number];
  text: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  col: number;
  fix?: TextEdit[];
}

/** What a rule sees: the merged project, and a way to report at a value's origin. */
export interface LintContext {
  project: ComposeProject;
  /** Files the user named on the command line (absolute), or every file of the project. */
  report(at: Origin, message: string, fix?: TextEdit[]): void;
  /** nginx configs the project mounts, read by the caller (the nginx rule needs them). */
  extra: LintExtras;
}

export interface LintExtras {
  /** Reads a file next to the project (nginx configs); undefined when it cannot be read. */
  readFile?: (path: string) => string | undefined;
  /** Lists a folder's entries; undefined when it is no folder. */
  listDir?: (path: string) => string[] | undefined;
}

export interface RuleMeta {
  /** kebab-case id, used in output, --disable, comments and stack.yaml. */
  id: string;
  severity: Severity;
  /** One line: what the rule finds and why it matters. */
  docs: string;
  fixable: boolean;
}

/** One lint rule, ESLint's shape: data in (the merged project), findings out. */
export interface LintRule {
  meta: RuleMeta;
  check(context: LintContext): void;
}
