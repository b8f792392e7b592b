/** Where a rule is turned off in a file by a comment: `# dev-lint-disable-next-line ID[, ID]` or `# dev-lint-disable ID`. */
export interface DisableComments {
  /** 1-based line → rule ids turned off on it ("*" for all). */
  lines: Map<number, Set<string>>;
  /** Rule ids turned off from a line on: [from line, id]. */
  ranges: { from: number; to: number; id: string }[];
}

const ids = (text: string | undefined) => {
  const list = (text ?? "").split(/[\s,]+/).filter(Boolean);
  return list.length ? list : ["*"];
};

export function readDisableComments(text: string): DisableComments {
  const out: DisableComments = { lines: new Map(), ranges: [] };
  const open = new Map<string, number>();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = /#\s*dev-lint-(disable-next-line|disable-line|disable|enable)\b(.*)$/.exec(line);
    if (!m) return;
    const n = i + 1;
    const list = ids(m[2]!.replace(/--.*$/, ""));
    if (m[1] === "disable-next-line" || m[1] === "disable-line") {
      const target = m[1] === "disable-line" ? n : n + 1;
      const set = out.lines.get(target) ?? new Set();
      list.forEach((id) => set.add(id));
      out.lines.set(target, set);
    } else if (m[1] === "disable") {
      for (const id of list) if (!open.has(id)) open.set(id, n);
    } else {
      for (const id of list) {
        for (const [openId, from] of [...open]) {
          if (id === "*" || openId === id) {
            out.ranges.push({ from, to: n, id: openId });
            open.delete(openId);
          }
        }
      }
    }
  });
  for (const [id, from] of open) out.ranges.push({ from, to: lines.length + 1, id });
  return out;
}

export function isDisabled(comments: DisableComments, line: number, ruleId: string): boolean {
  const set = comments.lines.get(line);
  if (set && (set.has("*") || set.has(ruleId))) return true;
  return comments.ranges.some((r) => line >= r.from && line <= r.to && (r.id === "*" || r.id === ruleId));
}
