import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { writeSchemaCopy } from "../fs/state-dir.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import { loadPresets } from "../presets/load-presets.js";
import { assertNoConflicts } from "../plan/diff-plan.js";
import { planProject } from "../plan/plan-project.js";
import { collectEnvEntries } from "../plan/env-entries.js";
import { resolveServices } from "../stack/resolve-services.js";
import { parseRenderedStack, parseStack, type ParsedStack } from "../stack/parse-stack.js";
import { validateStack } from "../stack/validate-stack.js";
import { STACK_FILE } from "../stack/find-stack.js";
import { StackError } from "../errors/stack-error.js";
import { adoptedStackData, renderAdoptedStack, updateAdoptedStack } from "../adopt/adopted-stack-text.js";
import { readAdoption } from "../adopt/read-adoption.js";
import type { Adoption, Unmapped } from "../adopt/adopt-model.js";
import { formatPlan, planToJson } from "./format-plan.js";

export interface AdoptArgs {
  C: string;
  file?: string[];
  dryRun: boolean;
  json: boolean;
}

function where(u: Unmapped, root: string): string {
  if (!u.at) return "";
  const file = relative(root, u.at.file) || u.at.file;
  return u.at.line ? `${file}:${u.at.line}:${u.at.col ?? 1}: ` : `${file}: `;
}

export function formatUnmapped(a: Adoption, root: string): string[] {
  const lines = a.unmapped.map((u) => `  ${where(u, root)}${u.service ? `${u.service}: ` : ""}${u.what}: ${u.reason}`);
  if (a.disabled.length) lines.push(`  profiles leave off: ${a.disabled.join(", ")} (set COMPOSE_PROFILES in .env and run dev adopt again to adopt them)`);
  return lines;
}

/**
 * dev adopt: reads the user's compose project and writes a stack.yaml that references their
 * files, plus create-stack's own layers and the missing .env keys, through the one project
 * transaction. Their compose files are only read. Run again, it updates stack.yaml in place.
 */
export async function adopt(args: AdoptArgs): Promise<void> {
  const root = resolve(args.C);
  const adoption = readAdoption(root, args.file);
  const stackPath = join(root, STACK_FILE);
  const existing = existsSync(stackPath) ? readFileSync(stackPath, "utf8") : undefined;
  let text: string;
  let changes: string[] = [];
  let parsed: ParsedStack;
  if (existing === undefined) {
    text = renderAdoptedStack(adoption);
    // Rendered here from this data: checked as data, not read back from the text.
    parsed = parseRenderedStack(text, adoptedStackData(adoption), STACK_FILE);
  } else {
    const current = parseStack(existing, STACK_FILE);
    if (!current.config.compose) {
      throw new StackError({ code: "E_ADOPT_NOT_ADOPTED", message: "stack.yaml here is a create-stack project, not an adopted one", location: { file: STACK_FILE }, hint: "dev adopt reads a compose project that has no stack.yaml yet (or one dev adopt wrote)" });
    }
    ({ text, changes } = updateAdoptedStack(existing, adoption));
    parsed = parseStack(text, STACK_FILE);
  }
  const presets = loadPresets();
  validateStack(parsed.config, presets, parsed);

  const theirs = parseEnvFile(diskReader(root).read(".env") ?? "").get("COMPOSE_FILE");
  const ours = collectEnvEntries(parsed.config, presets, resolveServices(parsed.config, presets)).find((e) => e.key === "COMPOSE_FILE")?.spec.value;
  const notes: string[] = [];
  // COMPOSE_FILE keeps the user's files first, in their order; create-stack's layers come after.
  if (theirs !== undefined && ours !== undefined && theirs !== ours) notes.push(`.env: COMPOSE_FILE=${theirs} becomes COMPOSE_FILE=${ours} (your files first, in your order; create-stack's layers after them)`);
  const plan = async () => {
    const p = await planProject({ root, stack: parsed.config, presets, reader: diskReader(root), stackText: text });
    assertNoConflicts(p);
    for (const f of p.files) {
      if (f.action !== "unchanged" && adoption.compose.includes(f.path)) throw new Error(`bug: the plan would write ${f.path}, a compose file of the user`);
    }
    return p;
  };

  if (args.dryRun) {
    const p = await plan();
    if (args.json) {
      process.stdout.write(JSON.stringify({ stack: text, changes, unmapped: adoption.unmapped, disabled: adoption.disabled, notes, plan: planToJson(p, []) }, null, 2) + "\n");
      return;
    }
    process.stdout.write(text);
    process.stdout.write("\n# files dev adopt would write:\n" + formatPlan(p) + "\n");
    writeUnmapped(adoption, root, changes, notes);
    process.stdout.write("dry run: nothing was written\n");
    return;
  }
  const { p, written } = await withProjectWrite(root, "dev adopt", async () => {
    const p = await plan();
    await writeSchemaCopy(root);
    return { p, written: await flushPlan(p) };
  });
  if (args.json) {
    process.stdout.write(JSON.stringify({ changes, unmapped: adoption.unmapped, disabled: adoption.disabled, notes, plan: planToJson(p, written) }, null, 2) + "\n");
    return;
  }
  process.stdout.write((formatPlan(p) || "everything is up to date") + "\n");
  writeUnmapped(adoption, root, changes, notes);
}

function writeUnmapped(a: Adoption, root: string, changes: string[], notes: string[]): void {
  if (changes.length) process.stdout.write(`changed in stack.yaml:\n${changes.map((c) => `  ${c}`).join("\n")}\n`);
  const lines = formatUnmapped(a, root);
  process.stdout.write(lines.length ? `not mapped (kept as they are in your files):\n${lines.join("\n")}\n` : "everything was mapped\n");
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
}
