import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { SCHEMA_FILE } from "../fs/package-paths.js";
import { LineCounter, parseDocument, type Document } from "yaml";
import { StackError, throwIfAny } from "../errors/stack-error.js";
import { DEFAULT_HEALTH, type StackConfig } from "./stack-config.js";
import { at, locate } from "./yaml-location.js";

export interface ParsedStack {
  config: StackConfig;
  /** The document, kept so edits preserve the user's comments and order. */
  doc: Document;
  lineCounter: LineCounter;
  file: string;
  /** The text it was parsed from, for edits that splice rather than re-serialise. */
  text: string;
}

let validateSchema: ReturnType<Ajv["compile"]> | undefined;

function schemaValidator(): ReturnType<Ajv["compile"]> {
  validateSchema ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
  return validateSchema;
}

/**
 * Parses stack.yaml text: YAML syntax, then the JSON Schema. Every problem is reported with
 * file:line:col. Cross-references (presets, depends_on, routes) are checked by validateStack.
 */
export function parseStack(text: string, file = "stack.yaml"): ParsedStack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throwIfAny(
      doc.errors.map(
        (e) =>
          new StackError({
            code: "E_STACK_YAML",
            message: `YAML syntax error: ${e.message.split("\n")[0]}`,
            location: at(lineCounter, file, e.pos[0]),
            hint: "fix the YAML syntax (indentation, quotes, a missing colon)",
          }),
      ),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const validate = schemaValidator();
  if (!validate(data)) {
    throwIfAny(dedupe(validate.errors ?? []).map((e) => schemaError(e, doc, lineCounter, file)));
  }
  return { config: withDefaults(data as Partial<StackConfig>), doc, lineCounter, file, text };
}

function withDefaults(raw: Partial<StackConfig>): StackConfig {
  return {
    version: 1,
    name: raw.name!,
    presets: raw.presets ?? [],
    services: raw.services ?? {},
    images: raw.images ?? {},
    health: { ...DEFAULT_HEALTH, ...raw.health },
    ignore: raw.ignore ?? [],
  };
}

/** ajv reports anyOf/oneOf noise and the same path several times; keep the first per path. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  // A bad key name comes as a `propertyNames` error plus the `pattern` error behind it: keep one.
  return errors.filter((e) => !(e.propertyName !== undefined && e.keyword !== "propertyNames")).filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${e.params?.additionalProperty ?? ""}|${e.params?.missingProperty ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaError(e: ErrorObject, doc: Document, lc: LineCounter, file: string): StackError {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const dotted = path.length ? path.join(".") : "(top level)";
  let message = `${dotted} ${e.message ?? "is invalid"}`;
  let location = locate(doc, lc, file, path);
  let hint = "see the schema referenced at the top of stack.yaml for the allowed keys and values";
  if (e.keyword === "additionalProperties") {
    const extra = String(e.params.additionalProperty);
    message = `unknown key "${extra}" in ${dotted}`;
    location = locate(doc, lc, file, [...path, extra], "key");
    hint = "check the spelling; allowed keys are listed in the stack.yaml schema";
  } else if (e.keyword === "pattern" && /name|services|presets/.test(dotted)) {
    message = `${dotted}: "${String(doc.getIn(path))}" is not a valid name`;
    hint = "names use lower-case letters, digits and dashes, and start with a letter (^[a-z][a-z0-9-]*$)";
  } else if (e.keyword === "propertyNames") {
    const bad = String(e.params.propertyName);
    message = `${dotted}: "${bad}" is not a valid name`;
    location = locate(doc, lc, file, [...path, bad], "key");
    hint = "names use lower-case letters, digits and dashes, and start with a letter (^[a-z][a-z0-9-]*$)";
  } else if (e.keyword === "required") {
    message = `missing required key "${String(e.params.missingProperty)}"`;
  } else if (e.keyword === "enum" || e.keyword === "const") {
    message = `${dotted} ${e.message}: ${JSON.stringify(e.params.allowedValues ?? e.params.allowedValue)}`;
  }
  return new StackError({ code: "E_STACK_SCHEMA", message, location, hint });
}
