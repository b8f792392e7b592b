/** A `${VAR:?message}` whose variable is unset, or text that is not a valid substitution. */
export class InterpolationError extends Error {
  /** Offset in the interpolated text where the substitution starts. */
  readonly offset: number;
  readonly variable?: string;
  constructor(message: string, offset: number, variable?: string) {
    super(message);
    this.name = "InterpolationError";
    this.offset = offset;
    this.variable = variable;
  }
}

export interface InterpolationResult {
  value: string;
  /** Variables used without a value and without a default: compose substitutes "" and warns. */
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Compose's variable substitution: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty),
 * `${VAR-default}` (unset), `${VAR:?err}` / `${VAR?err}` (refuse), `${VAR:+alt}` / `${VAR+alt}`,
 * and `$$` for a literal `$`. Defaults may themselves hold substitutions, as in compose-go.
 */
export function interpolate(text: string, lookup: (name: string) => string | undefined): InterpolationResult {
  const unset: string[] = [];
  const value = substitute(text, 0, lookup, unset);
  return { value, unset };
}

function substitute(text: string, base: number, lookup: (name: string) => string | undefined, unset: string[]): string {
  if (!text.includes("$")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const close = matchingBrace(text, i + 1);
      if (close < 0) throw new InterpolationError(`invalid interpolation format: "${text.slice(i)}" has no closing brace`, base + i);
      out += expand(text.slice(i + 2, close), base + i, lookup, unset);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) {
      // A lone `$` (e.g. at the end, or before a space) stays as it is, as in compose.
      out += "$";
      i++;
      continue;
    }
    const v = lookup(name);
    if (v === undefined) unset.push(name);
    out += v ?? "";
    i += 1 + name.length;
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "$") {
      i++;
      continue;
    }
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function expand(body: string, at: number, lookup: (name: string) => string | undefined, unset: string[]): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new InterpolationError(`invalid interpolation format: "\${${body}}" (a variable name is letters, digits and _)`, at);
  const rest = body.slice(name.length);
  const v = lookup(name);
  if (rest === "") {
    if (v === undefined) unset.push(name);
    return v ?? "";
  }
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new InterpolationError(`invalid interpolation format: "\${${body}}"`, at, name);
  const arg = () => substitute(rest.slice(op.length), at + 2 + name.length + op.length, lookup, unset);
  const missing = op.startsWith(":") ? v === undefined || v === "" : v === undefined;
  switch (op.at(-1)) {
    case "-":
      return missing ? arg() : v!;
    case "+":
      return missing ? "" : arg();
    default: {
      if (!missing) return v!;
      const message = arg();
      throw new InterpolationError(
        message ? `required variable ${name} is missing a value: ${message}` : `required variable ${name} is missing a value`,
        at,
        name,
      );
    }
  }
}
