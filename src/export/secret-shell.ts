import type { Piece } from "./compose-values.js";

/**
 * Swarm hands secrets to a container as files under /run/secrets, while the presets' images and
 * our starter code read environment variables (DATABASE_URL, REDISCLI_AUTH, ...). For those, the
 * exported service starts through a short `sh -c` script that reads the files, builds the
 * variables exactly as compose would have, then execs the service's own command.
 */
export function secretFile(key: string): string {
  return key.toLowerCase();
}

/** One shell word, double-quoted: literal text escaped, secrets expanded from their shell variable. */
export function shellWord(pieces: Piece[]): string {
  const body = pieces.map((p) => ("secret" in p ? `\${${p.secret}}` : p.text.replace(/["\\$`]/g, (c) => `\\${c}`))).join("");
  return `"${body}"`;
}

/** Lines that read the secrets into (unexported) shell variables, then export the variables built from them. */
export function secretPreamble(secrets: string[], exports: [string, Piece[]][]): string[] {
  return [
    ...secrets.map((s) => `${s}="$(cat /run/secrets/${secretFile(s)})"`),
    ...exports.map(([k, pieces]) => `export ${k}=${shellWord(pieces)}`),
  ];
}
