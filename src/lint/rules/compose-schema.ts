import { composeSchemaValidator } from "../../fs/compose-schema-validator.js";
import { toPlain, type ComposeNode, type Origin } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";

/** The origin of the value at a JSON pointer of the merged model, or of its nearest parent. */
function originAt(root: ComposeNode, pointer: string, key?: string): Origin {
  let node = root;
  let origin = root.origin;
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (key !== undefined) parts.push(key);
  for (const [i, part] of parts.entries()) {
    if (node.kind === "map") {
      const e = node.entries.get(part);
      if (!e) break;
      // An unknown key is reported at the key itself.
      origin = i === parts.length - 1 && key !== undefined ? e.keyOrigin : e.value.origin;
      node = e.value;
    } else if (node.kind === "seq") {
      const item = node.items[Number(part)];
      if (!item) break;
      origin = item.origin;
      node = item;
    } else break;
  }
  return origin;
}

export const composeSchema: LintRule = {
  meta: {
    id: "compose-schema",
    severity: "error",
    docs: "The merged project must match the Compose Specification's JSON Schema (what docker compose validates against).",
    fixable: false,
  },
  check(ctx) {
    const validate = composeSchemaValidator();
    const model = ctx.project.model;
    if (validate(toPlain(model))) return;
    const seen = new Set<string>();
    const errors = validate.errors ?? [];
    // A oneOf's other branches fail on type at the parent ("must be array") when the branch that
    // fits fails deeper: the deeper error is the one that says what is wrong.
    const deeper = (path: string) => errors.some((e) => e.instancePath.startsWith(path + "/"));
    for (const err of errors) {
      if (err.keyword === "type" && deeper(err.instancePath)) continue;
      // oneOf/anyOf report every branch; the branch errors below them say more.
      if (err.keyword === "oneOf" || err.keyword === "anyOf") continue;
      const extra = err.keyword === "additionalProperties" ? String((err.params as { additionalProperty: string }).additionalProperty) : undefined;
      const where = err.instancePath + (extra ? `/${extra}` : "");
      if (seen.has(where)) continue;
      seen.add(where);
      const path = where.split("/").slice(1).join(".") || "(top level)";
      const message = extra ? `${path}: unknown key (not in the Compose Specification)` : `${path}: ${err.message}${err.keyword === "enum" ? ` (${(err.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : ""}`;
      ctx.report(originAt(model, err.instancePath, extra), message);
    }
    const first = validate.errors?.[0];
    if (seen.size === 0 && first) ctx.report(originAt(model, first.instancePath), `${first.instancePath.split("/").slice(1).join(".")}: ${first.message}`);
  },
};
