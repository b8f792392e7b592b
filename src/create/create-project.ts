import { readdirSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { composeSpelling } from "../engine/compose-cli.js";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { writeSchemaCopy } from "../fs/state-dir.js";
import { assertNoConflicts } from "../plan/diff-plan.js";
import type { Plan } from "../plan/plan.js";
import { planProject } from "../plan/plan-project.js";
import { loadPresets } from "../presets/load-presets.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import { validateStack } from "../stack/validate-stack.js";
import { buildStackConfig, checkName, projectNameFrom, type CreateChoices } from "./build-stack-config.js";

export interface CreateOptions {
  dir: string;
  name?: string;
  presets: string[];
  proxy?: CreateChoices["proxy"];
  images: Record<string, string>;
  healthInterval?: string;
  force: boolean;
  dryRun: boolean;
}

export interface CreateResult {
  plan: Plan;
  written: string[];
  name: string;
  /** The compose CLI this machine has, as next steps should spell it. */
  composeCommand: string;
}

/** Plans the whole project in memory, validates it, then writes it atomically (unless a dry run). */
export async function createProject(opts: CreateOptions): Promise<CreateResult> {
  const root = resolve(opts.dir);
  const name = opts.name ?? projectNameFrom(basename(root));
  if (opts.name) checkName(opts.name, "--name");
  else checkName(name, `project name (from folder "${basename(root)}")`, "pass a valid one with --name, e.g. --name my-app");
  assertTargetUsable(root, opts.force);

  const presets = loadPresets();
  const stack = buildStackConfig({ name, presets: opts.presets, proxy: opts.proxy, images: opts.images, healthInterval: opts.healthInterval }, presets);
  validateStack(stack, presets);
  const stackText = createStackDocument(stack).toString(STACK_TEXT_OPTIONS);
  const composeCommand = composeSpelling();
  const plan = await planProject({ root, stack, presets, reader: diskReader(root), stackText, readme: true, composeCommand });
  assertNoConflicts(plan);
  const written = opts.dryRun ? [] : await flushPlan(plan);
  if (!opts.dryRun) await writeSchemaCopy(root);
  return { plan, written, name, composeCommand };
}

export function assertTargetUsable(root: string, force: boolean): void {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) {
      throw new StackError({ code: "E_TARGET_NOT_DIR", message: `${root} exists and is not a folder`, hint: "choose another path" });
    }
    entries = readdirSync(root).filter((e) => e !== ".git");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (entries.length && !force) {
    throw new StackError({
      code: "E_TARGET_NOT_EMPTY",
      message: `${root} is not empty`,
      hint: "choose an empty or new folder, or pass --force to add the stack here (existing files you wrote are kept; none are deleted)",
    });
  }
}
