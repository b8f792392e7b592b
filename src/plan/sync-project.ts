import { contentHash } from "../fs/content-hash.js";
import { diskReader } from "../fs/disk-reader.js";
import { flushPlan } from "../fs/flush-plan.js";
import { withProjectWrite } from "../fs/project-transaction.js";
import { findStackRoot } from "../stack/find-stack.js";
import { loadProject, type Project } from "../stack/load-project.js";
import { writeSchemaCopy } from "../fs/state-dir.js";
import { assertNoConflicts } from "./diff-plan.js";
import type { Plan } from "../fs/plan.js";
import { ensureStackTls } from "./ensure-stack-tls.js";
import { planProject } from "./plan-project.js";
import { optionalLayersOf } from "./optional-layer-listing.js";
import type { ComposeSupport } from "../engine/compose-support.js";

export interface SyncResult {
  plan: Plan;
  written: string[];
}

/**
 * Brings the generated files up to date with stack.yaml. Refuses, writing nothing, when a
 * generated file was edited by hand. `stackText` is given by commands that change stack.yaml.
 * Writing callers hold the project lock (withLockedProject).
 */
export async function syncProject(
  project: Project,
  opts: {
    stackText?: string;
    stackBase?: string;
    dryRun?: boolean;
    extra?: Plan["files"];
    dropEnvKeys?: string[];
    /** What this machine's compose understands of the optional layers (dev up checks; others leave it undefined). */
    composeSupport?: ComposeSupport;
  } = {},
): Promise<SyncResult> {
  const reader = diskReader(project.root);
  const optional = optionalLayersOf(reader, opts.composeSupport);
  const plan = await planProject({
    root: project.root,
    stack: project.parsed.config,
    presets: project.presets,
    reader,
    stackText: opts.stackText,
    optionalLayers: optional.layers,
  });
  plan.notes.push(...optional.notes);
  if (opts.dropEnvKeys?.length) dropEnvKeys(plan, opts.dropEnvKeys, reader.read(".env"));
  if (opts.extra) plan.files.push(...opts.extra);
  // The edit was made to the stack.yaml read at the start: if an editor saved another version
  // since, the flush refuses rather than write over that save.
  const stackFile = plan.files.find((f) => f.path === "stack.yaml");
  if (stackFile && opts.stackBase !== undefined && stackFile.base !== undefined) stackFile.base = contentHash(opts.stackBase);
  assertNoConflicts(plan);
  // The editor's schema copy is state, written first: the project's files land last, together.
  if (!opts.dryRun) await writeSchemaCopy(project.root);
  const written = opts.dryRun ? [] : await flushPlan(plan);
  if (!opts.dryRun) ensureStackTls(project.root, project.parsed.config, project.presets, project.services);
  return { plan, written };
}

/**
 * A writing command's frame: under the project lock, stack.yaml is read (after any interrupted
 * write was recovered), then `fn` plans and flushes. A dry run only reads, so it takes no lock.
 */
export async function withLockedProject<T>(cwd: string, what: string, opts: { dryRun?: boolean }, fn: (project: Project) => Promise<T>): Promise<T> {
  if (opts.dryRun) return fn(loadProject(cwd));
  return withProjectWrite(findStackRoot(cwd), what, async () => fn(loadProject(cwd)));
}

/** Takes keys nothing reads any more (a removed service's host port) out of the planned .env. */
function dropEnvKeys(plan: Plan, keys: string[], onDisk: string | undefined): void {
  const env = plan.files.find((f) => f.path === ".env");
  if (!env || onDisk === undefined) return;
  const content = env.content
    .split("\n")
    .filter((line) => !keys.some((k) => line.startsWith(`${k}=`)))
    .join("\n");
  if (content === env.content) return;
  env.content = content;
  if (env.action === "unchanged") Object.assign(env, { action: "update", base: contentHash(onDisk) });
  plan.notes.push(`removed ${keys.filter((k) => onDisk.includes(`${k}=`)).join(", ")} from .env`);
}
