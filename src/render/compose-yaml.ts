import { Document, YAMLSeq, type CollectionTag, type ScalarTag, type Tags } from "yaml";

/**
 * docker-compose v1 reads YAML 1.1 (yes/on/y/n are booleans, 1_000 and 12:30 numbers, 2024-01-01
 * a date, `=` and `<<` special tags); compose v2 reads YAML 1.2 (0o17 is a number). The yaml
 * package quotes, as it stringifies, every string its schema would read as something else: a
 * 1.1 document plus the few 1.2 and PyYAML forms 1.1 lacks makes it quote what either reads
 * differently. Only stringifying uses these tags; nothing is parsed with them.
 */
const READ_DIFFERENTLY_ELSEWHERE: ScalarTag[] = [
  { tag: "tag:yaml.org,2002:int", default: true, test: /^[-+]?0o[0-7]+$/, resolve: (s) => s },
  { tag: "tag:yaml.org,2002:value", default: true, test: /^(?:=|<<)$/, resolve: (s) => s },
];

/**
 * A list written with compose's `!override` tag: it replaces the list the earlier files merged
 * instead of adding to it (compose v2.24+; never in a file docker-compose v1 reads).
 */
export class OverrideList {
  constructor(readonly items: unknown[]) {}
}

const OVERRIDE_TAG: CollectionTag = {
  tag: "!override",
  collection: "seq",
  default: false,
  nodeClass: YAMLSeq,
  identify: (value) => value instanceof OverrideList,
  createNode: (schema, value, ctx) => {
    const seq = YAMLSeq.from(schema, (value as OverrideList).items, ctx);
    seq.tag = "!override";
    return seq;
  },
  resolve: (seq) => seq,
};

/**
 * A compose file (or any file a YAML 1.1 reader may read: `docker stack deploy` and kubectl read
 * with Go's YAML 1.1 rules) as text that YAML 1.1 and 1.2 readers parse to the same data. An
 * object used twice is written twice, never as an anchor and alias.
 */
export function stringifyCompose(data: unknown): string {
  // Without its merge tag, which would print the string "<<" bare as a merge key.
  const customTags = (tags: Tags) => [...tags.filter((t) => t !== "merge" && (typeof t !== "object" || t.tag !== "tag:yaml.org,2002:merge")), ...READ_DIFFERENTLY_ELSEWHERE, OVERRIDE_TAG];
  const doc = new Document(data, { version: "1.1", customTags, aliasDuplicateObjects: false });
  return doc.toString({ lineWidth: 0 });
}

/**
 * Compose replaces `$VAR` and `${VAR}` everywhere in a compose file, from the shell and .env.
 * Values the user wrote in stack.yaml are meant literally (`5$USD`, a `$(...)` in a command), so
 * each `$` is doubled, which compose reads back as one `$`.
 */
export function escapeInterpolation(value: string): string {
  return value.replace(/\$/g, "$$$$");
}
