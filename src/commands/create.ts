import { resolve } from "node:path";
import { formatPlan, planToJson } from "./format-plan.js";
import { DEFAULT_PRESETS, parseImageOverrides, type ProxyChoice } from "../create/build-stack-config.js";
import { StackError } from "../errors/stack-error.js";
import { assertTargetUsable, createProject } from "../create/create-project.js";
import { promptChoices, promptDir } from "../create/prompt-choices.js";
import { devCommand, NPX_DEV } from "./dev-command.js";

export interface CreateArgs {
  dir: string;
  preset?: string[];
  proxy?: ProxyChoice;
  name?: string;
  image: string[];
  healthInterval?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  json: boolean;
}

export async function runCreate(args: Omit<CreateArgs, "dir"> & { dir?: string }): Promise<void> {
  let presets = args.preset;
  let proxy = args.proxy;
  const interactive = !args.yes && !args.json && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  let dir = args.dir;
  if (dir === undefined) {
    if (!interactive) throw new StackError({ code: "E_USAGE", message: "say which folder to create", hint: "e.g. create-stack my-app (or create-stack . for the current folder)" });
    dir = await promptDir();
  }
  if (!presets && interactive) {
    // A folder that cannot be used fails before any question, not after the last one.
    assertTargetUsable(resolve(dir), args.force);
    ({ presets, proxy } = await promptChoices(proxy));
  }
  const result = await createProject({
    dir,
    name: args.name,
    presets: presets ?? DEFAULT_PRESETS,
    proxy,
    images: parseImageOverrides(args.image),
    healthInterval: args.healthInterval,
    force: args.force,
    dryRun: args.dryRun,
  });
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...planToJson(result.plan, result.written), name: result.name, dryRun: args.dryRun }, null, 2) + "\n");
    return;
  }
  const out = [formatPlan(result.plan)];
  if (args.dryRun) out.push("", "dry run: nothing was written");
  else {
    out.push("", `created ${result.name} in ${dir}. Next:`, ...nextSteps(dir, result.composeCommand));
    out.push(...result.plan.notes.map((n) => `note: ${n}`));
  }
  process.stdout.write(out.join("\n") + "\n");
}

/**
 * What to type next; `cd` only when the stack is somewhere else, compose as this machine spells
 * it, and `dev` as this shell finds it (after `npx create-stack` it is not on PATH).
 */
export function nextSteps(dir: string, composeCommand: string, dev = devCommand()): string[] {
  const here = resolve(dir) === process.cwd();
  return [
    ...(here ? [] : [`  cd ${quoteArg(dir)}`]),
    `  ${`${dev} up`.padEnd(18)} # or, without create-stack: ${composeCommand} up`,
    ...(dev === NPX_DEV ? ["  (npm install -g create-stack puts dev on your PATH: then just dev up)"] : []),
  ];
}

function quoteArg(arg: string): string {
  return /^[\w./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
