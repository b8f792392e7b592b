/** A log line with Docker's timestamp split off; `key` sorts in time order as a string. */
export interface TimedLine {
  key: string;
  text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z (.*)$/s;

/**
 * Splits "2026-01-02T03:04:05.123Z text" (RFC 3339 with nanoseconds, trailing zeros dropped, so
 * not sortable as is): the fraction is padded to 9 digits. Lines without a stamp sort first.
 */
export function parseTimestamped(line: string): TimedLine {
  const m = STAMP.exec(line);
  if (!m) return { key: "", text: line };
  return { key: `${m[1]}.${(m[2] ?? "").padEnd(9, "0")}`, text: m[3]! };
}

/** Several services' lines as one stream in time order; equal times keep each list's order. */
export function mergeByTime<T extends TimedLine>(lists: T[][]): T[] {
  const tagged = lists.flatMap((list, li) => list.map((line, i) => ({ line, li, i })));
  tagged.sort((a, b) => (a.line.key < b.line.key ? -1 : a.line.key > b.line.key ? 1 : a.li - b.li || a.i - b.i));
  return tagged.map((t) => t.line);
}
