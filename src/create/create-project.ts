import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { composeSpelling, detectCompose } from "../engine/compose-cli.js";
import { createDockerEngine } from "../engine/docker-engine.js";
import { detectComposeSupport, NO_SUPPORT } from "../engine/compose-support.js";
import { optionalLayersOf } from "../plan/optional-layer-listing.js";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { STATE_DIR } from "../fs/project-lock.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { writeSchemaCopy } from "../fs/state-dir.js";
import { assertNoConflicts } from "../plan/diff-plan.js";
import type { Plan } from "../fs/plan.js";
import { ensureStackTls } from "../plan/ensure-stack-tls.js";
import { planProject } from "../plan/plan-project.js";
import { loadPresets } from "../presets/load-presets.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import { parseStack, type Blame } from "../stack/parse-stack.js";
import { resolveServices } from "../stack/resolve-services.js";
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

/**
 * Plans the whole project in memory, validates it, then writes it in one transaction (unless a
 * dry run). A folder left half-written by a killed create-stack is completed or cleaned first,
 * and then counts as ours: running create-stack again continues instead of calling it not empty.
 */
export async function createProject(opts: CreateOptions): Promise<CreateResult> {
  const root = resolve(opts.dir);
  const name = opts.name ?? nameFromFolder(basename(root));
  if (opts.name) checkName(opts.name, "--name");
  assertTargetUsable(root, true);

  const presets = loadPresets();
  const stack = buildStackConfig({ name, presets: opts.presets, proxy: opts.proxy, images: opts.images, healthInterval: opts.healthInterval }, presets);
  const stackText = createStackDocument(stack).toString(STACK_TEXT_OPTIONS);
  // The file about to be written gets the checks `dev` will run on it, schema included.
  const blame = blameCreateFlag(opts.name === undefined);
  const parsed = parseStack(stackText, "stack.yaml", blame);
  validateStack(parsed.config, presets, parsed, blame);
  const composeCommand = composeSpelling();
  // Only where the compose v2 plugin is installed is there anything to ask (its version, the engine's).
  const composeSupport = composeCommand === "docker compose" ? await detectComposeSupport(detectCompose, createDockerEngine()) : NO_SUPPORT;
  const planHere = async () => {
    const reader = diskReader(root);
    const plan = await planProject({ root, stack, presets, reader, stackText, readme: true, optionalLayers: optionalLayersOf(reader, composeSupport).layers });
    assertNoConflicts(plan);
    return plan;
  };
  if (opts.dryRun) {
    assertTargetUsable(root, opts.force);
    return { plan: await planHere(), written: [], name, composeCommand };
  }

  const made = firstMissing(root);
  if (made) mkdirSync(root, { recursive: true });
  try {
    return await withProjectWrite(root, "create-stack", async (recovery) => {
      assertTargetUsable(root, opts.force || recovery.rolledForward || recovery.removedTemps > 0);
      const plan = await planHere();
      // The editor's schema copy is state, written first: the project's files land last, together.
      await writeSchemaCopy(root);
      const written = await flushPlan(plan);
      ensureStackTls(root, stack, presets, resolveServices(stack, presets));
      return { plan, written, name, composeCommand };
    });
  } catch (err) {
    // "Nothing was changed" must hold: the folders this run created go too (unless a committed
    // write is pending in the journal).
    if (made && readdirSync(root).every((e) => e === STATE_DIR) && !existsSync(join(root, STATE_DIR, "journal"))) rmSync(made, { recursive: true, force: true });
    throw err;
  }
}

/** Which create-stack flag a value of the new stack.yaml came from. */
const blameCreateFlag = (nameFromFolder: boolean): Blame => (path) => {
  switch (path[0]) {
    case "name":
      return nameFromFolder ? "the folder's name (pass --name)" : "--name";
    case "health":
      return `--health-${String(path[1] ?? "interval").replace(/_/g, "-")}`;
    case "images":
      return "--image";
    case "presets":
    case "services":
      return "--preset";
    default:
      return undefined;
  }
};

/**
 * The project name a folder gives, only when the folder's name is one as it is: a rewritten name
 * ("Nu_X" -> "nu-x", "ünï-📦" -> "n") would make two folders share one compose project.
 */
function nameFromFolder(folder: string): string {
  if (folder === folder.toLowerCase() && projectNameFrom(folder) === folder) {
    checkName(folder, `project name (from folder "${folder}")`, "pass a valid one with --name, e.g. --name my-app");
    return folder;
  }
  const suggestion = projectNameFrom(folder);
  throw new StackError({
    code: "E_INVALID_NAME",
    message: `folder name "${folder}" is not a valid project name`,
    hint: `pass one with --name${suggestion.length >= 2 ? `, e.g. --name ${suggestion}` : ", e.g. --name my-app"} (lower-case letters, digits and dashes)`,
  });
}

/** The topmost folder of `path` that does not exist yet (what a write creates), if any. */
function firstMissing(path: string): string | undefined {
  let missing: string | undefined;
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) {
    missing = dir;
    if (dirname(dir) === dir) break;
  }
  return missing;
}

/** Filesystems that only look like folders (/proc, /sys, cgroups): a project cannot live there. */
const VIRTUAL_FS = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x73636673, 0x74726163, 0xcafe4a11, 0x1cd1]);

/**
 * Refuses, before anything is planned, a target that cannot hold a project: its nearest existing
 * folder must be a real, writable folder (recursive mkdir under /proc loops forever).
 */
function assertTargetWritable(root: string): void {
  let dir = root;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const unusable = (why: string) =>
    new StackError({ code: "E_TARGET_UNUSABLE", message: `${root} cannot hold a project: ${dir} ${why}`, hint: "choose a folder on a normal, writable disk" });
  if (!statSync(dir).isDirectory()) throw unusable("is not a folder");
  if (VIRTUAL_FS.has(statfsSync(dir).type)) throw unusable("is on a virtual filesystem");
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw unusable("is not writable");
  }
}

export function assertTargetUsable(root: string, force: boolean): void {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) {
      throw new StackError({ code: "E_TARGET_NOT_DIR", message: `${root} exists and is not a folder`, hint: "choose another path" });
    }
    entries = readdirSync(root).filter((e) => e !== ".git" && e !== STATE_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    entries = [];
  }
  assertTargetWritable(root);
  if (entries.length && !force) {
    throw new StackError({
      code: "E_TARGET_NOT_EMPTY",
      message: `${root} is not empty`,
      hint: "choose an empty or new folder, or pass --force to add the stack here (existing files you wrote are kept; none are deleted)",
    });
  }
}
