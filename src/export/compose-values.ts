/**
 * Compose interpolation, resolved for an exported stack: `${VAR}`, `${VAR:-default}`,
 * `${VAR:?message}` and `$$`. Values from .env are filled in; secrets stay references, since
 * Swarm and Kubernetes hand them to the container at run time and they must never reach a file.
 */
export type Piece = { text: string } | { secret: string };

const PATTERN = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export interface ValueContext {
  /** .env values (secrets included: they are looked up, never copied, for secret keys). */
  env: Readonly<Record<string, string>>;
  secrets: ReadonlySet<string>;
}

/** Splits one compose string into literal text and secret references; literal `$` comes out unescaped. */
export function resolvePieces(value: string, ctx: ValueContext): Piece[] {
  const out: Piece[] = [];
  const push = (text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && "text" in last) last.text += text;
    else out.push({ text });
  };
  let at = 0;
  for (const m of value.matchAll(PATTERN)) {
    push(value.slice(at, m.index));
    at = m.index! + m[0].length;
    if (m[0] === "$$") {
      push("$");
      continue;
    }
    const name = (m[1] ?? m[5])!;
    const have = ctx.env[name];
    // `${X:-d}`: d when X is unset or empty; `${X-d}`: only when unset (compose's rules).
    const useDefault = m[3] === "-" && (have === undefined || (m[2] === ":" && have === ""));
    if (ctx.secrets.has(name)) out.push({ secret: name });
    else push(useDefault ? m[4]! : have ?? "");
  }
  push(value.slice(at));
  return out;
}

export function hasSecret(pieces: Piece[]): boolean {
  return pieces.some((p) => "secret" in p);
}

/** The literal value when no secret is involved. */
export function literalOf(pieces: Piece[]): string {
  return pieces.map((p) => ("text" in p ? p.text : "")).join("");
}

/** The secrets a compose string refers to. */
export function secretsIn(value: string, ctx: ValueContext): string[] {
  return resolvePieces(value, ctx).flatMap((p) => ("secret" in p ? [p.secret] : []));
}
