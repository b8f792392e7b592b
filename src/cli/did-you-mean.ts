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

/**
 * yargs' "Unknown argument(s): a, b" with "did you mean --x?" for each close option. Flags come
 * back from yargs without dashes; `known` are the option keys and aliases of the command.
 */
export function suggestOptions(message: string, known: string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return message;
  const hints = m[1]!.split(", ").flatMap((typo) => {
    const name = closest(typo.replace(/^-+/, ""), known.filter((k) => k.length > 1));
    return name ? [`${typo.startsWith("-") ? typo : `--${typo}`}: did you mean --${name}?`] : [];
  });
  return hints.length ? `${message} (${hints.join("; ")})` : message;
}
