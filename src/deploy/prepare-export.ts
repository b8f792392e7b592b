import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { contentHash } from "../fs/content-hash.js";
import { flushPlan } from "../fs/flush-plan.js";
import type { Plan } from "../fs/plan.js";
import { generatedState } from "../fs/generated-header.js";
import { readProjectEnv } from "../fs/read-env.js";
import { dockerfileStartCommand } from "../export/dockerfile-command.js";
import { buildExportModel, withBuiltImages, type ExportModel } from "../export/export-model.js";
import { NAME_PATTERN } from "../stack/stack-config.js";
import type { Project } from "../stack/load-project.js";
import { imageTags } from "./image-tag.js";

export const REGISTRY_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export interface ExportCommonArgs {
  registry?: string;
  /** Swarm stack name / Kubernetes name prefix. */
  name?: string;
  /** The proxy's published port (Swarm). */
  port?: number;
}

export interface PreparedExport {
  model: ExportModel;
  tagRule: string;
  env: Record<string, string>;
}

/** Reads what an export needs (.env, git state, Dockerfiles), checks the flags, builds the model. */
export async function prepareExport(project: Project, args: ExportCommonArgs): Promise<PreparedExport> {
  if (args.registry !== undefined && !REGISTRY_PATTERN.test(args.registry)) {
    throw new StackError({ code: "E_USAGE", message: `--registry "${args.registry}" is not a registry reference`, hint: "give host[:port][/path] in lower case, e.g. --registry registry.example.com/team or --registry 127.0.0.1:5000" });
  }
  if (args.name !== undefined && (!NAME_PATTERN.test(args.name) || args.name.length > 40)) {
    throw new StackError({ code: "E_USAGE", message: `--name "${args.name}" is not a valid name`, hint: "use lower-case letters, digits and dashes, starting with a letter, at most 40 characters" });
  }
  if (args.port !== undefined && (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)) {
    throw new StackError({ code: "E_USAGE", message: `--port ${args.port} is not a port`, hint: "give a number from 1 to 65535" });
  }
  const root = project.root;
  if (!existsSync(join(root, ".env"))) {
    throw new StackError({ code: "E_EXPORT_NO_ENV", message: ".env is missing, so there are no secrets or settings to export", hint: "run `dev sync` first; it writes .env with fresh secrets" });
  }
  const env = Object.fromEntries(await readProjectEnv(root));
  const stack = project.parsed.config;
  const draft = buildExportModel({ stack, presets: project.presets, services: project.services, env, registry: args.registry, tag: "latest", name: args.name, publishPort: args.port });
  const contexts: Record<string, string> = {};
  const startCommands: Record<string, string[] | undefined> = {};
  for (const svc of draft.services) {
    if (!svc.build) continue;
    contexts[svc.name] = svc.build.context;
    const file = join(root, svc.build.context, svc.build.dockerfile);
    startCommands[svc.name] = existsSync(file) ? dockerfileStartCommand(readFileSync(file, "utf8")) : undefined;
  }
  const { tags, rule } = await imageTags(root, contexts);
  const model = withBuiltImages(draft, tags, startCommands);
  return { model, tagRule: rule, env };
}

/** `# ...` lines, then the hash line generated files carry, then the body. */
export function withHeader(lines: string[], body: string): string {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return [...lines.map((l) => `# ${l}`), `# create-stack-hash: ${hash}`, body].join("\n");
}

export interface OutputFile {
  path: string;
  content: string;
  mode?: number;
  /** The user's file (secrets.env): content already merged with what is there; no hash guard. */
  userOwned?: boolean;
}

/**
 * Writes every file, or none: a file edited by hand (its hash line no longer matches) stops the
 * whole export before anything is written.
 */
export async function writeOutputs(root: string, files: OutputFile[]): Promise<string[]> {
  const edited = files.filter((f) => !f.userOwned && existsSync(f.path) && generatedState(readFileSync(f.path, "utf8")) === "edited" && readFileSync(f.path, "utf8") !== f.content);
  if (edited.length) {
    throw new StackError({
      code: "E_EXPORT_EDITED",
      message: `${edited.map((f) => relative(root, f.path) || f.path).join(", ")} ${edited.length === 1 ? "was" : "were"} changed by hand; not overwriting`,
      hint: "move the change into stack.yaml or an overlay of your own, delete the file, or export with --out to another place",
    });
  }
  // One flush for everything written to disk: staged, journalled, renamed; links refused.
  const base = commonFolder(files.map((f) => dirname(f.path)));
  const plan: Plan = {
    root: base,
    notes: [],
    // The watcher's record of files we created belongs to a project, not to an export's folder.
    recordCreated: false,
    files: files.map((f) => {
      const current = existsSync(f.path) ? readFileSync(f.path, "utf8") : undefined;
      const action = current === undefined ? "create" : current === f.content ? "unchanged" : "update";
      return { path: relative(base, f.path).split(sep).join("/"), content: f.content, owner: f.userOwned ? "merge" : "generated", mode: f.mode, action, base: current === undefined ? null : contentHash(current) };
    }),
  };
  return (await flushPlan(plan)).map((p) => join(base, p));
}

function commonFolder(dirs: string[]): string {
  let common = dirs[0] ?? ".";
  while (!dirs.every((d) => d === common || d.startsWith(common + sep)) && dirname(common) !== common) common = dirname(common);
  return common;
}

export function resolveOut(root: string, cwd: string, out: string | undefined, fallback: string): string {
  return out ? resolve(cwd, out) : join(root, fallback);
}
