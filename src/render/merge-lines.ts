/**
 * Adds lines a user-owned list file lacks (requirements.txt, .gitignore), keeping everything the
 * user wrote. `keyOf` says when two lines mean the same entry (`celery>=5` covers `celery`).
 */
export function mergeLines(existing: string | undefined, wanted: string[], keyOf: (line: string) => string = (l) => l.trim()): string {
  const text = existing ?? "";
  const have = new Set(text.split(/\r?\n/).map((l) => keyOf(l)).filter(Boolean));
  const missing = wanted.filter((w) => !have.has(keyOf(w)));
  if (missing.length === 0) return text;
  const sep = text.length && !text.endsWith("\n") ? "\n" : "";
  return text + sep + missing.join("\n") + "\n";
}

/** The package name of a requirements.txt line: `Celery[redis]>=5.2 ; python_version>"3"` -> `celery`. */
export function requirementName(line: string): string {
  const trimmed = line.split("#")[0]!.trim();
  if (!trimmed || trimmed.startsWith("-")) return "";
  return (/^[A-Za-z0-9._-]+/.exec(trimmed)?.[0] ?? "").toLowerCase().replace(/_/g, "-");
}
