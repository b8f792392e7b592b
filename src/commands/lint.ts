import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { loadComposeProject, type ComposeProject } from "../compose/index.js";
import { StackError } from "../errors/stack-error.js";
import { contentHash } from "../fs/content-hash.js";
import { flushPlan } from "../fs/flush-plan.js";
import { packageVersion } from "../fs/package-paths.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { fixedFiles, unifiedDiff } from "../lint/apply-fixes.js";
import { formatJson, formatSarif, formatText } from "../lint/format-findings.js";
import { lintProject } from "../lint/lint-project.js";
import { RULES } from "../lint/rules/index.js";
import { parseStack } from "../stack/parse-stack.js";

export interface LintArgs {
  C: string;
  files: string[];
  format: "text" | "json" | "sarif";
  fix: boolean;
  disable: string[];
  profile: string[];
}

const listOrUndefined = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
};

const readOrUndefined = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** Rules stack.yaml turns off (lint.disable), when the compose project is one of ours. */
function stackDisabled(dir: string): { ids: string[]; file?: string } {
  const file = join(dir, "stack.yaml");
  if (!existsSync(file)) return { ids: [] };
  const parsed = parseStack(readFileSync(file, "utf8"), file);
  return { ids: parsed.config.lint?.disable ?? [], file };
}

function checkRuleIds(ids: readonly string[], from: string): void {
  const known = new Set(RULES.map((r) => r.meta.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new StackError({
      code: "E_FLAG_INVALID",
      message: `${from} names no rule: ${unknown.join(", ")}`,
      hint: `rules: ${[...known].join(", ")}`,
    });
  }
}

export async function lintCommand(args: LintArgs): Promise<void> {
  const cwd = resolve(args.C);
  const disableFlag = args.disable.flatMap((d) => d.split(",")).map((d) => d.trim()).filter(Boolean);
  checkRuleIds(disableFlag, "--disable");
  const project: ComposeProject = loadComposeProject({ cwd, files: args.files, profiles: args.profile });
  const fromStack = stackDisabled(project.workingDir);
  checkRuleIds(fromStack.ids, `${relative(cwd, fromStack.file ?? "") || "stack.yaml"} lint.disable`);
  const lint = () => lintProject(project, { disable: [...disableFlag, ...fromStack.ids], extra: { readFile: readOrUndefined, listDir: listOrUndefined } });
  let findings = lint();

  if (args.fix) {
    const root = project.workingDir;
    const fixes = fixedFiles(findings, (f) => project.sources.get(f)?.text);
    const inside = [...fixes].filter(([file]) => file.startsWith(root + sep));
    for (const [file] of fixes) if (!file.startsWith(root + sep)) process.stderr.write(`not fixed: ${file} is outside the project folder ${root}\n`);
    if (inside.length === 0) process.stderr.write("nothing to fix\n");
    else {
      for (const [file, { before, after }] of inside) process.stdout.write(unifiedDiff(relative(cwd, file), before, after));
      await withProjectWrite(root, "dev lint --fix", async () => {
        await flushPlan({
          root,
          recordCreated: false,
          notes: [],
          files: inside.map(([file, { before, after }]) => ({
            path: relative(root, file).split(sep).join("/"),
            content: after,
            owner: "merge",
            mode: statSync(file).mode & 0o777,
            action: "update",
            base: contentHash(before),
          })),
        });
      });
      process.stderr.write(`fixed ${inside.length} file${inside.length === 1 ? "" : "s"}\n`);
      findings = lintProject(loadComposeProject({ cwd, files: args.files, profiles: args.profile }), { disable: [...disableFlag, ...fromStack.ids], extra: { readFile: readOrUndefined, listDir: listOrUndefined } });
    }
  }

  const files = [...project.sources.keys()];
  const out =
    args.format === "json" ? formatJson(findings, files, cwd) : args.format === "sarif" ? formatSarif(findings, RULES, cwd, packageVersion()) : formatText(findings, files.length, cwd);
  process.stdout.write(out);
  for (const w of project.warnings) if (args.format === "text") process.stderr.write(`warning: ${relative(cwd, w.origin.file)}:${w.origin.line}:${w.origin.col}: ${w.message}\n`);
  if (findings.some((f) => f.severity === "error")) process.exitCode = 1;
}
