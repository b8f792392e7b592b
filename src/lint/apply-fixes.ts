import type { Finding, TextEdit } from "./lint-rule.js";

/** Applies non-overlapping edits to a text; an edit overlapping an earlier one is left out. */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const applied: TextEdit[] = [];
  let out = "";
  let at = 0;
  for (const e of sorted) {
    if (e.range[0] < at) continue;
    out += text.slice(at, e.range[0]) + e.text;
    at = e.range[1];
    applied.push(e);
  }
  return { text: out + text.slice(at), applied };
}

/** The fixed text of every file some finding can fix, from the texts read. */
export function fixedFiles(findings: readonly Finding[], read: (file: string) => string | undefined): Map<string, { before: string; after: string }> {
  const byFile = new Map<string, TextEdit[]>();
  for (const f of findings) for (const e of f.fix ?? []) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const out = new Map<string, { before: string; after: string }>();
  for (const [file, edits] of byFile) {
    const before = read(file);
    if (before === undefined) continue;
    const after = applyEdits(before, edits).text;
    if (after !== before) out.set(file, { before, after });
  }
  return out;
}

/** A unified diff of two texts with 3 lines of context (the middle that differs, after common ends). */
export function unifiedDiff(name: string, before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  // Longest common subsequence of the differing middle, for a readable hunk.
  const ma = a.slice(start, endA);
  const mb = b.slice(start, endB);
  const lcs: number[][] = Array.from({ length: ma.length + 1 }, () => new Array<number>(mb.length + 1).fill(0));
  for (let i = ma.length - 1; i >= 0; i--) for (let j = mb.length - 1; j >= 0; j--) lcs[i]![j] = ma[i] === mb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const body: string[] = [];
  let i = 0;
  let j = 0;
  while (i < ma.length || j < mb.length) {
    if (i < ma.length && j < mb.length && ma[i] === mb[j]) {
      body.push(` ${ma[i]}`);
      i++;
      j++;
    } else if (i < ma.length && (j >= mb.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) body.push(`-${ma[i++]}`);
    else body.push(`+${mb[j++]}`);
  }
  const ctxStart = Math.max(0, start - 3);
  const before3 = a.slice(ctxStart, start).map((l) => ` ${l}`);
  const after3 = a.slice(endA, endA + 3).map((l) => ` ${l}`);
  const lenA = before3.length + ma.length + after3.length;
  const lenB = before3.length + mb.length + after3.length;
  return [`--- ${name}`, `+++ ${name}`, `@@ -${ctxStart + 1},${lenA} +${ctxStart + 1},${lenB} @@`, ...before3, ...body, ...after3].join("\n") + "\n";
}
