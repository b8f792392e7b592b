/** .env files as compose reads them: KEY=VALUE lines, `#` comments. */

export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    values.set(line.slice(0, eq).trim(), value);
  }
  return values;
}

export interface EnvLine {
  key: string;
  value: string;
  comment?: string;
}

export function renderEnvLines(groups: { title: string; lines: EnvLine[] }[]): string {
  const out: string[] = [];
  for (const group of groups) {
    if (group.lines.length === 0) continue;
    if (out.length) out.push("");
    out.push(`# ${group.title}`);
    for (const l of group.lines) {
      if (l.comment) out.push(`# ${l.comment}`);
      out.push(`${l.key}=${l.value}`);
    }
  }
  return out.join("\n") + "\n";
}

/**
 * Brings an existing .env up to date without touching what the user set: missing keys are
 * appended, and `replace` keys (compose's own settings we manage) are rewritten in place.
 */
export function mergeEnvFile(existing: string, wanted: EnvLine[], replace: ReadonlySet<string>): string {
  const have = parseEnvFile(existing);
  let text = existing;
  for (const l of wanted) {
    if (replace.has(l.key) && have.has(l.key) && have.get(l.key) !== l.value) {
      text = text.replace(new RegExp(`^${l.key}=.*$`, "m"), `${l.key}=${l.value}`);
    }
  }
  const missing = wanted.filter((l) => !have.has(l.key));
  if (missing.length === 0) return text;
  if (text.length && !text.endsWith("\n")) text += "\n";
  return text + "\n# added by create-stack\n" + missing.map((l) => `${l.key}=${l.value}`).join("\n") + "\n";
}
