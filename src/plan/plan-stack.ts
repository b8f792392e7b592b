import { headerComment, withGeneratedHeader, withMarkdownHeader } from "../fs/generated-header.js";
import type { PresetRegistry } from "../presets/load-presets.js";
import { interpolateString } from "../presets/interpolate.js";
import { buildLayers } from "../render/compose-layers.js";
import { stringifyCompose } from "../render/compose-yaml.js";
import { mergeEnvFile, renderEnvLines, type EnvLine } from "../render/env-file.js";
import { mergeLines, requirementName } from "../render/merge-lines.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { proxyGeneratedPaths, proxyRenderer } from "../render/proxy-renderers.js";
import { renderReadme } from "../render/render-readme.js";
import { renderTemplate, templatePath } from "../render/render-template.js";
import type { StackConfig } from "../stack/stack-config.js";
import { diffPlan, planDeletes, type DesiredFile } from "./diff-plan.js";
import type { EnvEntry } from "./env-entries.js";
import { LAYER_FILES } from "../render/layer-files.js";
import { buildStartIntervalLayer, START_INTERVAL_FILE } from "../render/start-interval-layer.js";
import { buildWatchLayer, WATCH_FILE } from "../render/watch-layer.js";
import { DEFAULT_IGNORES } from "../watch/default-ignores.js";
import { gitignoreToGlobs } from "../watch/read-gitignore.js";
import { OPTIONAL_LAYER_FILES } from "./optional-layer-listing.js";
import type { FileReader, Plan } from "../fs/plan.js";
import type { ResolvedService } from "../stack/resolve-services.js";

export interface PlanInput {
  root: string;
  stack: StackConfig;
  presets: PresetRegistry;
  services: ResolvedService[];
  env: { entries: EnvEntry[]; values: Record<string, string> };
  reader: FileReader;
  /** New stack.yaml text, when the command changed stack.yaml. */
  stackText?: string;
  /** Create the project README (on creation; afterwards an unedited one is kept current). */
  readme?: boolean;
}

// .create-stack/ holds the write lock, journal and temp files (the temp copy of .env holds every
// secret); .*.create-stack-* are temp files beside a symlinked stack.yaml's or .env's target.
const GITIGNORE = [".env", ".create-stack/", ".*.create-stack-*", "__pycache__/", "*.pyc", ".venv/", "node_modules/"];

const START_INTERVAL_NOTE =
  "# Read only where COMPOSE_FILE in .env lists it: compose v2.24+ on Docker Engine 25+ (create-stack\n" +
  "# and `dev up` check and list it; docker-compose v1 and older engines refuse start_interval).\n";

const WATCH_NOTE =
  "# Read only where COMPOSE_FILE in .env lists it: compose v2.24+ (create-stack and `dev up` check and\n" +
  "# list it). For plain `docker compose up --watch`: the same syncs, restarts and rebuilds as `dev up`\n" +
  "# (ignoring what its watcher ignores), with the images' own copies of the sources instead of mounts.\n" +
  "# `dev up` runs compose without this file. Paths of stack.yaml's `watch:` outside a source folder\n" +
  "# are left out: compose syncs only into a folder it knows the target of.\n";

/** Every file the stack needs, computed in memory; nothing is written here. */
export function planStack(input: PlanInput): Plan {
  const { stack, presets, services, reader } = input;
  const files: DesiredFile[] = [];
  const add = (f: DesiredFile) => {
    if (!files.some((x) => x.path === f.path)) files.push(f);
  };
  if (input.stackText !== undefined) add({ path: "stack.yaml", content: input.stackText, owner: "stack" });

  const layers = buildLayers(stack, presets, services);
  for (const [layer, compose] of layers) {
    const text = stringifyCompose(compose.volumes ? compose : { services: compose.services });
    add({ path: LAYER_FILES[layer], content: withGeneratedHeader(text), owner: "generated" });
  }
  // Written whatever this machine supports: .env decides whether compose reads it.
  add({ path: START_INTERVAL_FILE, content: withGeneratedHeader(START_INTERVAL_NOTE + stringifyCompose(buildStartIntervalLayer(layers))), owner: "generated" });
  const gitignore = mergeLines(reader.read(".gitignore"), GITIGNORE);
  const ignores = [...DEFAULT_IGNORES, ...gitignoreToGlobs(gitignore), ...stack.ignore];
  add({ path: WATCH_FILE, content: withGeneratedHeader(WATCH_NOTE + stringifyCompose(buildWatchLayer(layers, services, ignores))), owner: "generated" });
  const proxy = proxyPresetOf(stack.presets, presets);
  for (const f of (proxy && proxyRenderer(proxy).files?.(stack.name, services)) ?? []) {
    add({ path: f.path, content: withGeneratedHeader(f.content), owner: "generated" });
  }

  const requirements = new Map<string, string[]>();
  for (const svc of services) {
    if (!svc.preset) continue;
    const ctx = svc.vars;
    for (const f of svc.preset.files) {
      const path = interpolateString(f.path, ctx, `preset ${svc.preset.name}`);
      add({ path, content: presetFileContent(renderTemplate(templatePath(svc.preset.dir, f.template), ctx), f.owner, path), owner: f.owner, mode: f.mode });
    }
    if (svc.preset.requirements && svc.path) {
      const list = requirements.get(svc.path) ?? [];
      requirements.set(svc.path, [...list, ...svc.preset.requirements]);
    }
  }
  for (const [path, wanted] of requirements) {
    const file = `${path}/requirements.txt`;
    add({ path: file, content: mergeLines(reader.read(file), [...new Set(wanted)], requirementName), owner: "merge" });
  }
  for (const name of stack.presets) {
    const preset = presets.get(name)!;
    const ctx = { project: stack.name, name, path: "", port: "", route: "", envName: "" };
    for (const f of preset.files) {
      const path = interpolateString(f.path, ctx, `preset ${name}`);
      add({ path, content: presetFileContent(renderTemplate(templatePath(preset.dir, f.template), ctx), f.owner, path), owner: f.owner, mode: f.mode });
    }
  }

  add(envFile(input));
  // An adopted project's .env.example, if any, is the user's own.
  if (!stack.compose) add({ path: ".env.example", content: withGeneratedHeader(envExample(input.env.entries, input.env.values)), owner: "generated" });
  add({ path: ".gitignore", content: gitignore, owner: "merge" });
  // Kept current with the stack while unedited; written at creation, never brought back once
  // deleted, and an adopted project's README is its own.
  if (!stack.compose && (input.readme || input.reader.read("README.md") !== undefined)) {
    add({ path: "README.md", content: withMarkdownHeader(renderReadme(stack, presets, services)), owner: "docs" });
  }

  // Generated files of a stack shape no longer wanted (dropping nginx: its layer and config).
  const generated = [...Object.values(LAYER_FILES), ...proxyGeneratedPaths(), ...presetGeneratedPaths(stack.name, presets)];
  return { root: input.root, files: [...diffPlan(files, reader), ...planDeletes(generated, files, reader)], notes: [] };
}

/**
 * The generated files of every stack-level preset (traefik's socket-proxy config), whether the
 * stack lists it or not: the ones of a preset it dropped are no longer wanted.
 */
function presetGeneratedPaths(project: string, presets: PresetRegistry): string[] {
  const ctx = { project, name: "", path: "", port: "", route: "", envName: "" };
  return presets
    .names()
    .map((n) => presets.get(n)!)
    .filter((p) => p.kind !== "service")
    .flatMap((p) => p.files.filter((f) => f.owner === "generated").map((f) => interpolateString(f.path, { ...ctx, name: p.name }, `preset ${p.name}`)));
}

/** A generated preset file carries the hash line that tells later syncs whether it was edited. */
function presetFileContent(text: string, owner: "generated" | "starter", path: string): string {
  return owner === "generated" ? withGeneratedHeader(text, "stack.yaml", headerComment(path)) : text;
}

function envLines(entries: EnvEntry[], values: Record<string, string>, blankSecrets: boolean): { title: string; lines: EnvLine[] }[] {
  const groups = new Map<string, EnvLine[]>();
  for (const e of entries) {
    const line = { key: e.key, value: blankSecrets && e.spec.secret ? "" : values[e.key] ?? "", comment: e.spec.description };
    groups.set(e.group, [...(groups.get(e.group) ?? []), line]);
  }
  return [...groups].map(([title, lines]) => ({ title, lines }));
}

function envFile(input: PlanInput): DesiredFile {
  const { entries, values } = input.env;
  const existing = input.reader.read(".env");
  const content =
    existing === undefined
      ? "# This checkout's secrets and host ports. Not committed (see .gitignore); .env.example is.\n" +
        renderEnvLines(envLines(entries, values, false))
      : mergeEnvFile(existing, entries.map((e) => ({ key: e.key, value: values[e.key] ?? "" })), new Set(entries.filter((e) => e.managed).map((e) => e.key)));
  return { path: ".env", content, owner: "merge", mode: 0o600 };
}

function envExample(entries: EnvEntry[], values: Record<string, string>): string {
  // Committed, so the same on every machine: whether this one lists the optional layers is not.
  const composeFile = values.COMPOSE_FILE?.split(":").filter((f) => !OPTIONAL_LAYER_FILES.includes(f)).join(":");
  const shared = composeFile === undefined ? values : { ...values, COMPOSE_FILE: composeFile };
  return (
    "# Copy to .env and fill in the blank secrets (create-stack and `dev up` do this for you).\n" +
    renderEnvLines(envLines(entries, shared, true))
  );
}
