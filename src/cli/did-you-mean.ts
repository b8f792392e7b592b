import { closest } from "../errors/closest-name.js";

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
