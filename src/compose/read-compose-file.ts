import { StackError } from "../errors/stack-error.js";
import { DuplicateKeyError, type ComposeNode, type MapNode, type Origin } from "./compose-node.js";
import { parseComposeYaml, YamlSyntaxError } from "./compose-yaml.js";
import { interpolate, InterpolationError } from "./interpolate.js";
import { normalizeForMerge } from "./merge-compose.js";

/** A compose file as read: its text, for fixes and disable comments. */
export interface ComposeSource {
  path: string;
  text: string;
}

export interface LoadWarning {
  message: string;
  origin: Origin;
}

const TOP_LEVEL = new Set(["version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"]);

/**
 * Parses one compose file, once: the located model is built straight from the parser's events.
 * A YAML error, a key written twice or a file that is not compose is a located StackError.
 */
export function parseComposeSource(path: string, text: string): { source: ComposeSource; node: ComposeNode | undefined } {
  try {
    return { source: { path, text }, node: parseComposeYaml(text, path) };
  } catch (err) {
    if (err instanceof YamlSyntaxError) {
      throw new StackError({
        code: "E_COMPOSE_YAML",
        message: `not valid YAML: ${err.message.split("\n")[0]}`,
        location: { file: path, line: err.origin.line, col: err.origin.col },
        hint: "fix the YAML syntax at that place (indentation, quotes, a missing colon)",
      });
    }
    if (err instanceof DuplicateKeyError) {
      throw new StackError({ code: "E_COMPOSE_YAML", message: `not valid YAML: ${err.message}`, location: { file: err.origin.file, line: err.origin.line, col: err.origin.col }, hint: "remove one of them (or merge what they hold)" });
    }
    throw err;
  }
}

/** The located model of a parsed file, not yet interpolated. */
export function modelOf(source: ComposeSource, node: ComposeNode | undefined): MapNode {
  const notCompose = (why: string, origin?: Origin) =>
    new StackError({
      code: "E_COMPOSE_NOT_COMPOSE",
      message: `not a compose file: ${why}`,
      location: origin ? { file: origin.file, line: origin.line, col: origin.col } : { file: source.path },
      hint: "a compose file is a mapping with services: (and networks:, volumes:, ...) at the top",
    });
  if (node === undefined || (node.kind === "scalar" && node.value === null)) throw notCompose("the file is empty");
  if (node.kind !== "map") throw notCompose(`its top level is a ${node.kind === "seq" ? "list" : "single value"}, not a mapping`, node.origin);
  const keys = [...node.entries.keys()];
  if (!keys.some((k) => TOP_LEVEL.has(k) || k.startsWith("x-"))) throw notCompose(`none of its keys (${keys.slice(0, 4).join(", ")}) is a compose key`, node.origin);
  return node;
}

// compose-go casts these after substitution ("${REPLICAS}" becomes a number); path segments, * for any.
const CASTS: [string[], "int" | "float" | "bool"][] = [
  ...["privileged", "read_only", "stdin_open", "tty", "init", "oom_kill_disable"].map((k) => [["services", "*", k], "bool"] as [string[], "bool"]),
  ...["cpu_count", "cpu_period", "cpu_quota", "cpu_shares", "oom_score_adj", "pids_limit", "scale", "mem_swappiness"].map((k) => [["services", "*", k], "int"] as [string[], "int"]),
  [["services", "*", "cpus"], "float"],
  [["services", "*", "cpu_percent"], "float"],
  [["services", "*", "healthcheck", "retries"], "int"],
  [["services", "*", "healthcheck", "disable"], "bool"],
  [["services", "*", "deploy", "replicas"], "int"],
  [["services", "*", "ports", "*", "target"], "int"],
  [["services", "*", "ports", "*", "published"], "int"],
  [["services", "*", "volumes", "*", "read_only"], "bool"],
  [["services", "*", "depends_on", "*", "required"], "bool"],
  [["services", "*", "depends_on", "*", "restart"], "bool"],
  ...["networks", "volumes", "secrets", "configs"].map((t) => [[t, "*", "external"], "bool"] as [string[], "bool"]),
  [["networks", "*", "internal"], "bool"],
  [["networks", "*", "attachable"], "bool"],
  [["networks", "*", "enable_ipv6"], "bool"],
];

function cast(path: string[], value: string): string | number | boolean {
  const hit = CASTS.find(([p]) => p.length === path.length && p.every((s, i) => s === "*" || s === path[i]));
  if (!hit) return value;
  if (hit[1] === "bool") return /^(true|yes|y|on|1)$/i.test(value) ? true : /^(false|no|n|off|0)$/i.test(value) ? false : value;
  const n = Number(value);
  return value.trim() !== "" && Number.isFinite(n) && (hit[1] === "float" || Number.isInteger(n)) ? n : value;
}

/**
 * Substitutes variables in every value (not in keys), as compose does. A `${X:?}` whose X is
 * unset stops the load at the value that asked for it; a variable with no value and no default
 * becomes "" and a warning.
 */
export function interpolateModel(node: ComposeNode, env: (name: string) => string | undefined, warnings: LoadWarning[], path: string[] = []): void {
  if (node.kind === "map") {
    for (const [k, e] of node.entries) interpolateModel(e.value, env, warnings, [...path, k]);
    return;
  }
  if (node.kind === "seq") {
    node.items.forEach((i) => interpolateModel(i, env, warnings, [...path, "*"]));
    return;
  }
  if (typeof node.value !== "string" || !node.value.includes("$")) return;
  try {
    const { value, unset } = interpolate(node.value, env);
    for (const name of new Set(unset)) warnings.push({ message: `the variable ${name} is not set: it reads as an empty string`, origin: node.origin });
    node.raw = node.value;
    node.value = cast(path, value);
  } catch (err) {
    if (!(err instanceof InterpolationError)) throw err;
    throw new StackError({
      code: "E_COMPOSE_VARIABLE",
      message: err.message,
      location: { file: node.origin.file, line: node.origin.line, col: node.origin.col },
      hint: err.variable ? `set ${err.variable} in the environment or in .env` : "write a literal $ as $$",
    });
  }
}

/** Read, parse, interpolate and normalise one compose file. */
export function loadComposeFile(
  path: string,
  read: (path: string) => string,
  env: (name: string) => string | undefined,
  warnings: LoadWarning[],
): { source: ComposeSource; model: MapNode } {
  const { source, node } = parseComposeSource(path, read(path));
  const model = modelOf(source, node);
  interpolateModel(model, env, warnings);
  normalizeForMerge(model);
  return { source, model };
}
