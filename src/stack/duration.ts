/** Seconds in a compose duration ("1m30s", "500ms"), rounded up; undefined when there is none. */
export function durationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(ms|s|m|h)/g)) {
    total += Number(n) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[unit!]!;
  }
  return Math.ceil(total);
}
