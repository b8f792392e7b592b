import type { ErrorObject } from "ajv";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import { StackError, throwIfAny, type SourceLocation } from "../errors/stack-error.js";
import { presetSchemaValidator } from "../fs/schema-validators.js";

/**
 * Parses one preset.yaml and checks it against schema/preset.schema.json. Every problem is
 * reported at its file:line:col, like stack.yaml's: a preset author sees where to look.
 */
export function checkPreset(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const fail = (message: string, location: SourceLocation, hint?: string) =>
    new StackError({ code: "E_PRESET_INVALID", message: `invalid preset: ${message}`, location, hint, exitCode: 1 });
  if (doc.errors.length) {
    throwIfAny(doc.errors.map((e) => fail(`YAML syntax error: ${e.message.split("\n")[0]}`, at(lineCounter, file, e.pos[0]))));
  }
  const data: unknown = doc.toJS();
  const validate = presetSchemaValidator();
  if (!validate(data)) {
    const seen = new Set<string>();
    const errors = (validate.errors ?? [])
      // if/then and oneOf add a summary error beside the one that says what is wrong.
      .filter((e) => e.keyword !== "if" && !(e.keyword === "oneOf" && (validate.errors ?? []).some((o) => o !== e && o.instancePath === e.instancePath)))
      .filter((e) => !seen.has(e.instancePath + e.keyword) && seen.add(e.instancePath + e.keyword));
    throwIfAny(errors.map((e) => fail(describe(e, validate.errors ?? []), locateIn(doc, lineCounter, file, e), "see schema/preset.schema.json for the keys a preset may use")));
  }
  return data;
}

function pathOf(e: ErrorObject): (string | number)[] {
  return e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject, all: ErrorObject[]): string {
  const dotted = pathOf(e).join(".") || "(top level)";
  if (e.keyword === "additionalProperties") return `unknown key "${String(e.params.additionalProperty)}" in ${dotted}`;
  // A key missing in each branch of a oneOf: any one of them would do.
  if (e.keyword === "required" && e.schemaPath.includes("/oneOf/")) {
    const choices = all.filter((o) => o.keyword === "required" && o.instancePath === e.instancePath && o.schemaPath.includes("/oneOf/"));
    return `${dotted} needs one of ${choices.map((o) => String(o.params.missingProperty)).join(", ")}`;
  }
  if (e.keyword === "required") return `${dotted}: missing required key "${String(e.params.missingProperty)}"`;
  if (e.keyword === "enum") return `${dotted} must be one of ${(e.params.allowedValues as unknown[]).join(", ")}`;
  return `${dotted} ${e.message ?? "is invalid"}`;
}

/** The node an error points at, or the nearest parent that exists; an unknown key at the key itself. */
function locateIn(doc: Document, lc: LineCounter, file: string, e: ErrorObject): SourceLocation {
  const path = pathOf(e);
  if (e.keyword === "additionalProperties") {
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    const items = (parent as { items?: { key: unknown }[] } | undefined)?.items ?? [];
    const pair = items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === e.params.additionalProperty);
    if (pair && isNode(pair.key) && pair.key.range) return at(lc, file, pair.key.range[0]);
  }
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return at(lc, file, node.range[0]);
  }
  return { file };
}

function at(lc: LineCounter, file: string, offset: number): SourceLocation {
  const { line, col } = lc.linePos(offset);
  return { file, line, col };
}
