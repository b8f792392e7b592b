import { readFileSync } from "node:fs";
import { SCHEMA_FILE } from "./package-paths.js";

type Node = { $ref?: string; properties?: Record<string, Node>; additionalProperties?: Node | boolean; items?: Node };

/**
 * The keys stack.yaml's schema allows at a place in the document (["services", "api"]): what a
 * misspelt key may have meant. Read from the schema file on demand: only a misspelt key needs it
 * (the bundled CLI validates with code generated at build time).
 */
export function stackSchemaKeys(path: (string | number)[]): string[] {
  const root = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Node & Record<string, unknown>;
  const deref = (n: Node | undefined): Node | undefined => {
    for (let i = 0; n?.$ref && i < 10; i++) n = n.$ref.replace(/^#\//, "").split("/").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root) as Node | undefined;
    return n;
  };
  let node = deref(root);
  for (const seg of path) {
    if (!node) return [];
    const next: Node | undefined =
      typeof seg === "number" ? node.items : (node.properties?.[seg] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined));
    node = deref(next);
  }
  return Object.keys(node?.properties ?? {});
}
