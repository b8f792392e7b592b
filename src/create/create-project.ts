import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { STATE_DIR } from "../fs/project-lock.js";
import { withProjectWrite } from "../fs/project-transaction.js";
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
}

/**
 * Plans the whole project in memory, validates it, then writes it in one transaction (unless a
 * dry run). A folder left half-written by a killed create-stack is completed or cleaned first,
 * and then counts as ours: running create-stack again continues instead of calling it not empty.
 */
export async function createProject(opts: CreateOptions): Promise<CreateResult> {
  const root = resolve(opts.dir);
  const name = opts.name ?? projectNameFrom(basename(root));
  if (opts.name) checkName(opts.name, "--name");
  else checkName(name, `project name (from folder "${basename(root)}")`, "pass a valid one with --name, e.g. --name my-app");
  assertTargetUsable(root, true);

  const presets = loadPresets();
  const stack = buildStackConfig({ name, presets: opts.presets, proxy: opts.proxy, images: opts.images, healthInterval: opts.healthInterval }, presets);
  validateStack(stack, presets);
  const stackText = createStackDocument(stack).toString(STACK_TEXT_OPTIONS);
  const planHere = async () => {
    const plan = await planProject({ root, stack, presets, reader: diskReader(root), stackText, readme: true });
    assertNoConflicts(plan);
    return plan;
  };
  if (opts.dryRun) {
    assertTargetUsable(root, opts.force);
    return { plan: await planHere(), written: [], name };
  }

  const made = existsSync(root) ? undefined : mkdirSync(root, { recursive: true });
  try {
    return await withProjectWrite(root, "create-stack", async (recovery) => {
      assertTargetUsable(root, opts.force || recovery.rolledForward || recovery.removedTemps > 0);
      const plan = await planHere();
      return { plan, written: await flushPlan(plan), name };
    });
  } catch (err) {
    // Nothing was written: leave no folder behind either (unless a committed write is pending).
    if (made && readdirSync(root).every((e) => e === STATE_DIR) && !existsSync(join(root, STATE_DIR, "journal"))) rmSync(made, { recursive: true, force: true });
    throw err;
  }
}

function assertTargetUsable(root: string, force: boolean): void {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) {
      throw new StackError({ code: "E_TARGET_NOT_DIR", message: `${root} exists and is not a folder`, hint: "choose another path" });
    }
    entries = readdirSync(root).filter((e) => e !== ".git" && e !== STATE_DIR);
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
