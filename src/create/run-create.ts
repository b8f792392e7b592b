import { formatPlan, planToJson } from "../cli/format-plan.js";
import { DEFAULT_PRESETS, parseImageOverrides, type ProxyChoice } from "./build-stack-config.js";
import { createProject } from "./create-project.js";
import { promptChoices } from "./prompt-choices.js";

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

export async function runCreate(args: CreateArgs): Promise<void> {
  let presets = args.preset;
  let proxy = args.proxy;
  if (!presets && !args.yes && !args.json && process.stdin.isTTY && process.stdout.isTTY) {
    ({ presets, proxy } = await promptChoices(proxy));
  }
  const result = await createProject({
    dir: args.dir,
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
    out.push("", `created ${result.name} in ${args.dir}. Next:`, `  cd ${args.dir}`, "  dev up             # or: docker compose up");
    out.push(...result.plan.notes.map((n) => `note: ${n}`));
  }
  process.stdout.write(out.join("\n") + "\n");
}
