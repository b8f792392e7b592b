import { parseEnvFile } from "../fs/parse-env-file.js";

/** .env files as we write them: grouped, commented KEY=VALUE lines; merged into what the user has. */

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
