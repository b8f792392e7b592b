/** Edit distance (insert, delete, substitute, swap of neighbours): how far a typo is from a name. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known name, if close enough to be a typo (a third of its length, at least 1). */
export function closest(typo: string, known: string[]): string | undefined {
  let best: { name: string; dist: number } | undefined;
  for (const name of known) {
    const dist = editDistance(typo, name);
    if (!best || dist < best.dist) best = { name, dist };
  }
  return best && best.dist <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** "did you mean "x"? " when a known name is close to the typo; empty otherwise. */
export function didYouMean(typo: string, known: string[]): string {
  const name = closest(typo, known);
  return name ? `did you mean "${name}"? ` : "";
}
