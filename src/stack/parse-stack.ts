import type { ErrorObject } from "ajv";
import { stackSchemaValidator } from "../fs/schema-validators.js";
import { stackSchemaKeys } from "../fs/stack-schema-keys.js";
import { didYouMean } from "../errors/closest-name.js";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { StackError, throwIfAny } from "../errors/stack-error.js";
import { DuplicateKeyError, type ComposeNode } from "../compose/compose-node.js";
import { parseComposeYaml, YamlSyntaxError } from "../compose/compose-yaml.js";
import { DEFAULT_HEALTH, type StackConfig } from "./stack-config.js";
import { at, locate } from "./yaml-location.js";

/** Says which flag put a value at this stack.yaml path, when a command built the text from flags. */
export type Blame = (path: readonly (string | number)[]) => string | undefined;

/**
 * Aliases a stack.yaml may hold. A handful is plenty for hand-written YAML; thousands are a
 * "billion laughs" document whose expansion would exhaust memory.
 */
export const MAX_ALIASES = 100;

export interface ParsedStack {
  config: StackConfig;
  /** The document, kept so edits preserve the user's comments and order. */
  doc: Document;
  lineCounter: LineCounter;
  file: string;
  /** The text it was parsed from, for edits that splice rather than re-serialise. */
  text: string;
}

/**
 * Parses stack.yaml text: YAML syntax, then the JSON Schema. Every problem is reported with
 * file:line:col. Cross-references (presets, depends_on, routes) are checked by validateStack.
 */
export function parseStack(text: string, file = "stack.yaml", blame?: Blame): ParsedStack {
  // Most stack.yaml texts are valid: read them the fast way and build the yaml Document (which
  // edits and error locations need) only when asked. Anything unusual (a syntax error, a key
  // written twice, anchors, tags, a schema error) takes the full path below, which reports it.
  const quick = quickData(text, file);
  if (quick !== undefined && stackSchemaValidator()(quick)) return withLazyDocument(quick, text, file, blame);
  return fullParse(text, file, blame);
}

/**
 * stack.yaml text that create-stack rendered from `data` with the yaml package (which quotes
 * whatever would read back as something else): the schema checks the data, and the text is not
 * read back. Its Document is parsed only when an edit or an error location needs it; data the
 * schema refuses takes parseStack's path, whose errors carry file:line:col.
 */
export function parseRenderedStack(text: string, data: unknown, file = "stack.yaml"): ParsedStack {
  // As the text reads back: plain JSON values, no undefined keys, nothing shared with the caller.
  const plain = JSON.parse(JSON.stringify(data)) as unknown;
  if (stackSchemaValidator()(plain)) return withLazyDocument(plain, text, file);
  return fullParse(text, file);
}

function withLazyDocument(data: unknown, text: string, file: string, blame?: Blame): ParsedStack {
  let full: ParsedStack | undefined;
  const document = () => (full ??= fullParse(text, file, blame));
  return {
    config: withDefaults(data as Partial<StackConfig>),
    get doc() {
      return document().doc;
    },
    get lineCounter() {
      return document().lineCounter;
    },
    file,
    text,
  };
}

/**
 * The data of a plain stack.yaml (no anchors, aliases or tags), as the yaml package's toJS gives
 * it, with env values kept as written; undefined for anything else.
 */
function quickData(text: string, file: string): unknown {
  const seen = { anchors: 0, aliases: 0, tags: 0 };
  let node: ComposeNode | undefined;
  try {
    node = parseComposeYaml(text, file, { merge: false, seen, maxAliases: 0 });
  } catch (err) {
    if (err instanceof YamlSyntaxError || err instanceof DuplicateKeyError) return undefined;
    throw err;
  }
  if (seen.anchors + seen.aliases + seen.tags > 0) return undefined;
  const services = node?.kind === "map" ? node.entries.get("services")?.value : undefined;
  if (services?.kind === "map") {
    for (const svc of services.entries.values()) {
      const env = svc.value.kind === "map" ? svc.value.entries.get("env")?.value : undefined;
      if (env?.kind !== "map") continue;
      for (const e of env.entries.values()) {
        const v = e.value;
        if (v.kind === "scalar" && (typeof v.value === "number" || typeof v.value === "boolean")) v.value = text.slice(v.origin.range![0], v.origin.range![1]);
      }
    }
  }
  const plain = (n: ComposeNode): unknown => {
    if (n.kind === "scalar") return n.value;
    if (n.kind === "seq") return n.items.map(plain);
    const out: Record<string, unknown> = {};
    for (const [k, e] of n.entries) {
      if (k === "__proto__") throw new ProtoKey();
      out[k] = plain(e.value);
    }
    return out;
  };
  try {
    return node === undefined ? {} : (plain(node) ?? {});
  } catch (err) {
    if (err instanceof ProtoKey) return undefined;
    throw err;
  }
}

class ProtoKey extends Error {}

function fullParse(text: string, file: string, blame?: Blame): ParsedStack {
  const lineCounter = new LineCounter();
  // The library's duplicate-key check compares every key with every earlier one (quadratic on a
  // 50,000-key env); duplicateKeys does the same check with a set per mapping.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const yamlError = (message: string, offset: number, hint: string) =>
    new StackError({ code: "E_STACK_YAML", message, location: at(lineCounter, file, offset), hint });
  if (doc.errors.length > 0) {
    throwIfAny(doc.errors.map((e) => yamlError(`YAML syntax error: ${e.message.split("\n")[0]}`, e.pos[0], "fix the YAML syntax (indentation, quotes, a missing colon)")));
  }
  throwIfAny(duplicateKeys(doc).map((offset) => yamlError("YAML syntax error: Map keys must be unique", offset, "remove or rename the repeated key")));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw yamlError(`too many YAML aliases (more than ${MAX_ALIASES} expansions): ${err.message}`, firstAlias(doc), "write the values out instead of repeating anchors (*name)");
  }
  keepEnvTextAsWritten(doc, data);
  const validate = stackSchemaValidator();
  if (!validate(data)) {
    const errors = dedupe(validate.errors ?? []).filter((e) => !isAdoptedName(e, data));
    throwIfAny(errors.map((e) => schemaError(e, doc, lineCounter, file, blame)));
  }
  return { config: withDefaults(data as Partial<StackConfig>), doc, lineCounter, file, text };
}

/**
 * An unquoted env value that YAML reads as a number or boolean keeps the text the user wrote:
 * `3.10` stays "3.10" (not "3.1"), `0x1F` and `012` stay as they are, a 20-digit number keeps its
 * digits, `True` stays "True". The variable is text in the container either way.
 */
function keepEnvTextAsWritten(doc: Document, data: unknown): void {
  const services = doc.get("services", true);
  const plain = (data as { services?: Record<string, { env?: Record<string, unknown> } | null> } | null)?.services;
  if (!isMap(services) || !plain || typeof plain !== "object") return;
  for (const pair of services.items) {
    const env = isMap(pair.value) ? pair.value.get("env", true) : undefined;
    const target = isScalar(pair.key) ? plain[String(pair.key.value)]?.env : undefined;
    if (!isMap(env) || !target || typeof target !== "object") continue;
    for (const item of env.items) {
      const value = item.value;
      if (!isScalar(item.key) || !isScalar(value) || value.type !== "PLAIN" || typeof value.source !== "string") continue;
      if (typeof value.value === "number" || typeof value.value === "bigint" || typeof value.value === "boolean") target[String(item.key.value)] = value.source;
    }
  }
}

/** Compose's own service names (rq_worker, 1st): an adopted service keeps the name its compose files give it. */
const COMPOSE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function isAdoptedName(e: ErrorObject, data: unknown): boolean {
  if (e.keyword !== "propertyNames" || e.instancePath !== "/services") return false;
  const name = String(e.params?.propertyName ?? "");
  const services = (data as { services?: Record<string, { adopted?: unknown }> }).services;
  return COMPOSE_NAME.test(name) && name.length <= 63 && services?.[name]?.adopted === true;
}

/** Offsets of keys repeated within one mapping (a plain walk: visit() costs more on 50,000 keys). */
function duplicateKeys(doc: Document): number[] {
  const found: number[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) found.push(pair.key.range?.[0] ?? 0);
          seen.add(pair.key.value);
        }
        if (isMap(pair.value) || isSeq(pair.value)) walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (isMap(item) || isSeq(item)) walk(item);
    }
  };
  walk(doc.contents);
  return found;
}

function firstAlias(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function withDefaults(raw: Partial<StackConfig>): StackConfig {
  return {
    version: 1,
    name: raw.name!,
    ...(raw.compose ? { compose: raw.compose } : {}),
    ...(raw.proxy ? { proxy: raw.proxy } : {}),
    presets: raw.presets ?? [],
    services: raw.services ?? {},
    images: raw.images ?? {},
    health: { ...DEFAULT_HEALTH, ...raw.health },
    ignore: raw.ignore ?? [],
    ...(raw.lint ? { lint: raw.lint } : {}),
  };
}

/** ajv reports anyOf/oneOf noise and the same path several times; keep the first per path. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  // A bad key name comes as a `propertyNames` error plus the `pattern` error behind it: keep one.
  return errors.filter((e) => !(e.propertyName !== undefined && e.keyword !== "propertyNames")).filter((e) => {
    // One problem per value: an empty image fails both minLength and pattern.
    const key = `${e.instancePath}|${e.params?.additionalProperty ?? ""}|${e.params?.missingProperty ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const NAME_HINT = "names use lower-case letters, digits and dashes, and start with a letter (^[a-z][a-z0-9-]*$)";

/** What a failed `pattern` means, by the key it sits under. */
function patternMeaning(path: (string | number)[]): { what: string; hint: string } {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (["interval", "timeout", "start_period", "stop_grace_period"].includes(String(last))) {
    return { what: "a duration", hint: "a number with a unit: 500ms, 3s, 1m30s, 1h" };
  }
  if (last === "path") return { what: "a valid path", hint: "a folder inside the project, relative to stack.yaml, e.g. services/api" };
  if (last === "build") return { what: "a valid path", hint: "the folder holding your Dockerfile, inside the project and relative to stack.yaml, e.g. services/web" };
  if (last === "dockerfile") return { what: "a valid path", hint: "a Dockerfile inside the project, relative to stack.yaml, e.g. services/web/Dockerfile.dev" };
  if (parent === "healthcheck" && last === "http") {
    return { what: "an HTTP path", hint: "the path the service answers with 2xx or 3xx, starting with /, e.g. /health (letters, digits, . _ ~ / -)" };
  }
  if (parent === "healthcheck" && last === "command") return { what: "a command", hint: "a shell command run in the container that exits 0 when healthy, e.g. curl -fs localhost:8000/health" };
  if (parent === "after_start") return { what: "a command", hint: "a shell command run in the service's container, e.g. python -m app.migrate" };
  if (last === "image" || parent === "images") return { what: "a valid image", hint: "an image reference without spaces, newlines or $, e.g. postgres:16" };
  if (last === "name" || last === "template" || parent === "presets") return { what: "a valid name", hint: NAME_HINT };
  return { what: "valid", hint: "see the schema referenced at the top of stack.yaml for the allowed values" };
}

function schemaError(e: ErrorObject, doc: Document, lc: LineCounter, file: string, blame?: Blame): StackError {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const dotted = path.length ? path.join(".") : "(top level)";
  let message = `${dotted} ${e.message ?? "is invalid"}`;
  let location = locate(doc, lc, file, path);
  let hint = "see the schema referenced at the top of stack.yaml for the allowed keys and values";
  let blamed = path;
  if (e.keyword === "additionalProperties") {
    const extra = String(e.params.additionalProperty);
    message = `unknown key "${extra}" in ${dotted}`;
    location = locate(doc, lc, file, [...path, extra], "key");
    const keys = stackSchemaKeys(path);
    hint = keys.length ? `${didYouMean(extra, keys)}allowed keys here: ${keys.join(", ")}` : "check the spelling; allowed keys are listed in the stack.yaml schema";
  } else if (e.keyword === "pattern" || (e.keyword === "minLength" && typeof doc.getIn(path) === "string")) {
    const meaning = patternMeaning(path);
    message = `${dotted}: ${JSON.stringify(String(doc.getIn(path)))} is not ${meaning.what}`;
    hint = meaning.hint;
  } else if (e.keyword === "propertyNames") {
    const bad = String(e.params.propertyName);
    const under = path[path.length - 1];
    const what = under === "env" ? "variable name" : under === "images" ? "image" : "name";
    message = `${dotted}: ${JSON.stringify(bad)} is not a valid ${what}`;
    location = locate(doc, lc, file, [...path, bad], "key");
    hint = under === "env" ? "variable names use letters, digits and _, and do not start with a digit" : under === "images" ? patternMeaning(["images", bad]).hint : NAME_HINT;
    blamed = [...path, bad];
  } else if (e.keyword === "uniqueItems") {
    // The later of the two equal items is the repeat: point at it.
    const index = Math.max(Number(e.params.i), Number(e.params.j));
    const repeated = (doc.getIn(path) as { items?: unknown[] } | undefined)?.items?.[index];
    message = `${dotted} lists ${JSON.stringify(isScalar(repeated) ? repeated.value : repeated)} twice`;
    location = locate(doc, lc, file, [...path, index]);
    hint = "remove the repeated item";
  } else if ((e.keyword === "minProperties" || e.keyword === "maxProperties") && path[path.length - 1] === "healthcheck") {
    message = `${dotted} must have exactly one of command and http`;
    hint = "command: a shell command that exits 0 when healthy, or http: a path answered with 2xx or 3xx (e.g. /health)";
  } else if (e.keyword === "minItems" && (path[path.length - 1] === "after_start" || path[path.length - 1] === "command")) {
    // An empty list asks for nothing: say what one item looks like, or that the key can go.
    const key = path[path.length - 1];
    message = `${dotted} is an empty list`;
    hint = key === "after_start"
      ? "list at least one shell command, e.g. after_start: [python -m app.migrate], or remove after_start"
      : "give the command and its arguments, e.g. command: [python, -m, app], or remove command to use the template's";
  } else if (e.keyword === "required") {
    message = `missing required key "${String(e.params.missingProperty)}"`;
  } else if (e.keyword === "enum" || e.keyword === "const") {
    message = `${dotted} ${e.message}: ${JSON.stringify(e.params.allowedValues ?? e.params.allowedValue)}`;
  }
  const flag = blame?.(blamed);
  if (flag) {
    // The user typed a flag, not this stack.yaml line: name the flag, drop the YAML path.
    const value = e.keyword === "propertyNames" ? undefined : doc.getIn(path);
    const shown = value === undefined || typeof value === "object" ? "" : ` ${JSON.stringify(value)}`;
    const problem = message.startsWith(`${dotted}: `) ? message.slice(dotted.length + 2) : message.startsWith(`${dotted} `) ? `${message.slice(dotted.length + 1)}` : message;
    return new StackError({ code: "E_STACK_SCHEMA", message: `${flag}${problem.startsWith('"') ? "" : shown}: ${problem}`, hint });
  }
  return new StackError({ code: "E_STACK_SCHEMA", message, location, hint });
}
