/** Commands whose trailing arguments belong to a program in a container, and how many of their own positionals come first. */
const PASSTHROUGH: Record<string, number> = { exec: 1, run: 1, psql: 0, "redis-cli": 0 };
const VALUE_OPTIONS = new Set(["-C", "--dir"]);

/**
 * Splits `dev exec api ls -la` into what dev parses (`exec api`) and what the container's
 * program gets (`ls -la`), so a command's own flags are never taken for dev's. A `--` right
 * after the positionals is dropped.
 */
export function splitPassthrough(argv: string[]): { args: string[]; rest: string[] } {
  let i = 0;
  for (; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === "--") return { args: argv, rest: [] };
    if (VALUE_OPTIONS.has(t)) i++;
    else if (!t.startsWith("-")) break;
  }
  const want = PASSTHROUGH[argv[i] ?? ""];
  if (want === undefined) return { args: argv, rest: [] };
  let j = i + 1;
  for (let found = 0; j < argv.length && found < want; j++) {
    const t = argv[j]!;
    if (t === "--") return { args: argv, rest: [] };
    if (VALUE_OPTIONS.has(t)) j++;
    else if (!t.startsWith("-")) found++;
  }
  // Options dev itself reads (-C, --help) may come before the positionals, not after.
  const rest = argv.slice(j);
  return { args: argv.slice(0, j), rest: rest[0] === "--" ? rest.slice(1) : rest };
}
