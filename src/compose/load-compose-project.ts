import { readFileSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { get, mapNode, textOf, toPlain, type MapNode, type Origin, type ScalarNode } from "./compose-node.js";
import { interpolate } from "./interpolate.js";
import { mergeNodes } from "./merge-compose.js";
import { loadComposeFile, type ComposeSource, type LoadWarning } from "./read-compose-file.js";
import { resolveExtends } from "./resolve-extends.js";
import { selectComposeFiles, type FileSelection } from "./select-compose-files.js";

export interface LoadComposeOptions {
  /** The folder the command runs in. */
  cwd: string;
  /** `-f` files, in order. */
  files?: readonly string[];
  /** `--profile` values; else COMPOSE_PROFILES. */
  profiles?: readonly string[];
  projectDirectory?: string;
  /** The process environment (default process.env); it wins over .env, as in compose. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads a file; tests pass their own. */
  read?: (path: string) => string;
}

export interface ComposeProject {
  name: string;
  workingDir: string;
  /** The project's own files, in merge order. */
  files: string[];
  selection: FileSelection["from"];
  /** Every file read: the project's, extends' and include's, for locations, fixes and comments. */
  sources: Map<string, ComposeSource>;
  /** The variables substitution used: process environment over .env. */
  environment: Map<string, string>;
  /** The .env file that was read, if any. */
  envFile?: string;
  profiles: string[];
  /** The merged project with located values; services off by profile are not in it. */
  model: MapNode;
  services: Map<string, MapNode>;
  /** Services whose profiles are not enabled. */
  disabledServices: Map<string, MapNode>;
  warnings: LoadWarning[];
}

/** .env as compose reads it: KEY=VALUE lines, quotes, `export`, and ${VAR} from earlier lines. */
export function parseDotEnv(text: string, lookup: (name: string) => string | undefined = () => undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, "");
    if (!line || line.startsWith("#")) continue;
    const m = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    if (quote !== "'" && value.includes("$")) {
      try {
        value = interpolate(value, (n) => out.get(n) ?? lookup(n)).value;
      } catch {
        // A malformed substitution in .env stays literal; compose would refuse it at use.
      }
    }
    out.set(m[1]!, value);
  }
  return out;
}

const RESOURCES = ["services", "networks", "volumes", "secrets", "configs"] as const;

interface LoadContext {
  read: (path: string) => string;
  sources: Map<string, ComposeSource>;
  warnings: LoadWarning[];
  includeChain: string[];
  /** The project's own files: relative paths in them start at the project directory. */
  projectFiles: Set<string>;
}

function readText(ctx: LoadContext, path: string, from: Origin | undefined, what: string): string {
  try {
    return ctx.read(path);
  } catch (err) {
    throw new StackError({
      code: "E_COMPOSE_FILE_MISSING",
      message: `${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (err as Error).message}`,
      location: from ? { file: from.file, line: from.line, col: from.col } : { file: path },
      hint: "check the path; relative paths start at the file that names them",
    });
  }
}

/** Loads the files of one project (or of an included one) into one merged model. */
function loadModel(files: string[], workingDir: string, env: (n: string) => string | undefined, ctx: LoadContext): MapNode {
  const cache = new Map<string, MapNode>();
  const loadOne = (path: string, from?: Origin): MapNode => {
    const hit = cache.get(path);
    if (hit) return hit;
    const { source, model } = loadComposeFile(path, (p) => readText(ctx, p, from, from ? "the file" : "compose file"), env, ctx.warnings);
    ctx.sources.set(path, source);
    cache.set(path, model);
    return model;
  };
  let merged: MapNode | undefined;
  for (const file of files) {
    const model = loadOne(file);
    applyInclude(model, file, env, ctx);
    resolveExtends(model, file, (p, from) => {
      const m = loadOne(p, from);
      applyInclude(m, p, env, ctx);
      return m;
    });
    merged = merged ? (mergeNodes(merged, model, []) as MapNode) : model;
  }
  return merged ?? mapNode({ file: workingDir, line: 1, col: 1 });
}

/** `include:` brings another project's resources in; a name both define differently is an error. */
function applyInclude(model: MapNode, file: string, env: (n: string) => string | undefined, ctx: LoadContext): void {
  const include = model.entries.get("include");
  if (!include) return;
  model.entries.delete("include");
  if (ctx.includeChain.includes(file)) {
    throw new StackError({ code: "E_COMPOSE_INCLUDE", message: `include loop: ${[...ctx.includeChain, file].map((f) => basename(f)).join(" -> ")}`, location: { file, line: include.keyOrigin.line, col: include.keyOrigin.col }, hint: "a file cannot include itself, directly or through others" });
  }
  const items = include.value.kind === "seq" ? include.value.items : [include.value];
  for (const item of items) {
    const pathNode = item.kind === "map" ? get(item, "path") : item;
    const paths = (pathNode?.kind === "seq" ? pathNode.items : pathNode ? [pathNode] : []).map((p) => textOf(p)).filter((p): p is string => !!p);
    if (paths.length === 0) continue;
    const dir = dirname(file);
    const absolute = paths.map((p) => resolve(dir, p));
    const projectDir = resolve(dir, textOf(get(item, "project_directory")) ?? dirname(absolute[0]!));
    const envFileNode = get(item, "env_file");
    const envFiles = envFileNode?.kind === "seq" ? envFileNode.items.map((n) => resolve(dir, textOf(n) ?? "")) : envFileNode ? [resolve(dir, textOf(envFileNode) ?? "")] : [join(projectDir, ".env")];
    const own = new Map<string, string>();
    for (const f of envFiles) if (existsSync(f) || envFileNode) for (const [k, v] of parseDotEnv(readText(ctx, f, item.origin, "env_file"), env)) own.set(k, v);
    const subEnv = (n: string) => env(n) ?? own.get(n);
    const sub = loadModel(absolute, projectDir, subEnv, { ...ctx, includeChain: [...ctx.includeChain, file] });
    for (const type of RESOURCES) {
      const theirs = get(sub, type);
      if (theirs?.kind !== "map") continue;
      let ours = model.entries.get(type);
      if (!ours || ours.value.kind !== "map") {
        ours = { key: type, keyOrigin: theirs.origin, value: mapNode(theirs.origin) };
        model.entries.set(type, ours);
      }
      const target = ours.value as MapNode;
      for (const [name, e] of theirs.entries) {
        const existing = target.entries.get(name);
        if (existing && JSON.stringify(toPlain(existing.value)) !== JSON.stringify(toPlain(e.value))) {
          throw new StackError({
            code: "E_COMPOSE_INCLUDE",
            message: `${type}.${name} is defined here and by the included ${paths.join(", ")}, differently`,
            location: { file, line: existing.keyOrigin.line, col: existing.keyOrigin.col },
            hint: "rename one of them, or extend the included one in an override file instead",
          });
        }
        target.entries.set(name, e);
      }
    }
  }
}

/** env_file entries become environment values (below what `environment` sets), as compose does. */
function applyEnvFiles(services: Map<string, MapNode>, workingDir: string, env: (n: string) => string | undefined, ctx: LoadContext): void {
  for (const svc of services.values()) {
    const envFile = get(svc, "env_file");
    if (!envFile) continue;
    const items = envFile.kind === "seq" ? envFile.items : [envFile];
    const values = new Map<string, ScalarNode>();
    for (const item of items) {
      const path = textOf(item.kind === "map" ? get(item, "path") : item);
      if (!path) continue;
      const required = textOf(get(item, "required")) !== "false";
      const abs = resolve(item.origin.file && ctx.sources.has(item.origin.file) && !ctx.projectFiles.has(item.origin.file) ? dirname(item.origin.file) : workingDir, path);
      let text: string;
      try {
        text = ctx.read(abs);
      } catch {
        if (!required) continue;
        throw new StackError({ code: "E_COMPOSE_FILE_MISSING", message: `env_file ${path} does not exist`, location: { file: item.origin.file, line: item.origin.line, col: item.origin.col }, hint: "create it, or mark it optional with {path: ..., required: false}" });
      }
      const lines = text.split(/\r?\n/);
      for (const [k, v] of parseDotEnv(text, env)) {
        const line = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=`).test(l)) + 1;
        values.set(k, { kind: "scalar", origin: { file: abs, line: line || 1, col: 1 }, value: v });
      }
    }
    if (values.size === 0) continue;
    let environment = svc.entries.get("environment");
    if (!environment || environment.value.kind !== "map") {
      environment = { key: "environment", keyOrigin: envFile.origin, value: mapNode(envFile.origin) };
      svc.entries.set("environment", environment);
    }
    const map = environment.value as MapNode;
    for (const [k, v] of values) {
      const own = map.entries.get(k);
      if (own && !(own.value.kind === "scalar" && own.value.value === null)) continue;
      map.entries.set(k, { key: k, keyOrigin: v.origin, value: v });
    }
  }
}

/**
 * Reads a compose project as docker compose does: chooses the files, reads .env, substitutes
 * variables, applies include and extends per file, merges the files in order, applies env_file,
 * and sets aside the services whose profiles are off. Every value keeps where it was written.
 */
export function loadComposeProject(opts: LoadComposeOptions): ComposeProject {
  const read = opts.read ?? ((p: string) => readFileSync(p, "utf8"));
  const processEnv = opts.env ?? process.env;
  const dotEnvAt = (dir: string): { path?: string; values: Map<string, string> } => {
    const path = join(dir, ".env");
    try {
      return { path, values: parseDotEnv(read(path), (n) => processEnv[n]) };
    } catch {
      return { values: new Map() };
    }
  };
  const cwd = resolve(opts.cwd);
  const firstDir = opts.projectDirectory ? resolve(cwd, opts.projectDirectory) : opts.files?.length ? dirname(resolve(cwd, opts.files[0]!)) : cwd;
  let dotEnv = dotEnvAt(firstDir);
  const lookupIn = (d: Map<string, string>) => (n: string) => processEnv[n] ?? d.get(n);
  const selection = selectComposeFiles({ cwd, files: opts.files, env: lookupIn(dotEnv.values), projectDirectory: opts.projectDirectory, envFileOrigin: dotEnv.path });
  if (selection.workingDir !== firstDir) dotEnv = dotEnvAt(selection.workingDir);
  const environment = new Map<string, string>(dotEnv.values);
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) environment.set(k, v);
  const env = (n: string) => environment.get(n);
  const ctx: LoadContext = { read, sources: new Map(), warnings: [], includeChain: [], projectFiles: new Set(selection.files) };
  const model = loadModel(selection.files, selection.workingDir, env, ctx);

  const profiles = opts.profiles?.length ? [...opts.profiles] : (env("COMPOSE_PROFILES") ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const services = new Map<string, MapNode>();
  const disabledServices = new Map<string, MapNode>();
  const servicesNode = get(model, "services");
  if (servicesNode?.kind === "map") {
    for (const [name, e] of [...servicesNode.entries]) {
      if (e.value.kind !== "map") continue;
      const own = get(e.value, "profiles");
      const list = own?.kind === "seq" ? own.items.map((i) => textOf(i)).filter((p): p is string => !!p) : [];
      const enabled = list.length === 0 || profiles.includes("*") || list.some((p) => profiles.includes(p));
      if (enabled) services.set(name, e.value);
      else {
        disabledServices.set(name, e.value);
        servicesNode.entries.delete(name);
      }
    }
  }
  applyEnvFiles(services, selection.workingDir, env, ctx);
  const rawName = opts.env?.COMPOSE_PROJECT_NAME ?? env("COMPOSE_PROJECT_NAME") ?? textOf(get(model, "name")) ?? basename(selection.workingDir);
  const name = rawName.toLowerCase().replace(/[^a-z0-9_-]/g, "");
  return {
    name,
    workingDir: selection.workingDir,
    files: selection.files,
    selection: selection.from,
    sources: ctx.sources,
    environment,
    envFile: dotEnv.path,
    profiles,
    model,
    services,
    disabledServices,
    warnings: ctx.warnings,
  };
}

/** The folder a relative path in a value is read from: the project's, or an extended/included file's own. */
export function baseDirOf(project: ComposeProject, origin: Origin): string {
  return project.files.includes(origin.file) || !origin.file ? project.workingDir : dirname(origin.file);
}
