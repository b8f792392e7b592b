/** One way a Traefik rule can match: all of its parts at once (an `&&` of matchers). */
export interface RuleMatch {
  hosts: string[];
  hostRegexps: string[];
  pathPrefixes: string[];
  paths: string[];
  /** Matchers that narrow the match but do not move it (Method, Headers, Query, ClientIP...). */
  others: string[];
}

export type RuleResult = { ok: true; matches: RuleMatch[] } | { ok: false; reason: string };

type Expr = { kind: "matcher"; name: string; args: string[] } | { kind: "and" | "or"; left: Expr; right: Expr } | { kind: "not"; expr: Expr };

/**
 * Parses a Traefik v2/v3 router rule (`Host(\`a\`) && PathPrefix(\`/api\`) || Path(\`/x\`)`) into
 * the alternatives it matches, each an `&&` of matchers. Negations and v1-style path templates
 * (`{name:regex}`) are refused with the reason: a route read wrong is worse than none.
 */
export function parseTraefikRule(rule: string): RuleResult {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new RuleError(reason);
  };
  const skip = () => {
    while (pos < rule.length && /\s/.test(rule[pos]!)) pos++;
  };
  const parseArgs = (): string[] => {
    const args: string[] = [];
    skip();
    if (rule[pos] === ")") return args;
    for (;;) {
      skip();
      const q = rule[pos];
      if (q !== "`" && q !== '"' && q !== "'") fail(`expected a quoted value at column ${pos + 1}`);
      const end = rule.indexOf(q!, pos + 1);
      if (end < 0) fail("a quoted value is never closed");
      args.push(rule.slice(pos + 1, end));
      pos = end + 1;
      skip();
      if (rule[pos] === ",") {
        pos++;
        continue;
      }
      return args;
    }
  };
  const primary = (): Expr => {
    skip();
    if (rule[pos] === "!") {
      pos++;
      return { kind: "not", expr: primary() };
    }
    if (rule[pos] === "(") {
      pos++;
      const e = orExpr();
      skip();
      if (rule[pos] !== ")") fail("a parenthesis is never closed");
      pos++;
      return e;
    }
    const m = /^[A-Za-z]+/.exec(rule.slice(pos));
    if (!m) fail(`unexpected "${rule.slice(pos, pos + 10)}"`);
    pos += m![0].length;
    skip();
    if (rule[pos] !== "(") fail(`${m![0]} is not followed by (`);
    pos++;
    const args = parseArgs();
    skip();
    if (rule[pos] !== ")") fail(`${m![0]}( is never closed`);
    pos++;
    return { kind: "matcher", name: m![0], args };
  };
  const andExpr = (): Expr => {
    let left = primary();
    for (;;) {
      skip();
      if (rule.startsWith("&&", pos)) {
        pos += 2;
        left = { kind: "and", left, right: primary() };
      } else return left;
    }
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    for (;;) {
      skip();
      if (rule.startsWith("||", pos)) {
        pos += 2;
        left = { kind: "or", left, right: andExpr() };
      } else return left;
    }
  };
  try {
    const expr = orExpr();
    skip();
    if (pos < rule.length) fail(`unexpected "${rule.slice(pos, pos + 10)}"`);
    return { ok: true, matches: toMatches(expr) };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, reason: err.message };
    throw err;
  }
}

class RuleError extends Error {}

const empty = (): RuleMatch => ({ hosts: [], hostRegexps: [], pathPrefixes: [], paths: [], others: [] });

/** The rule in disjunctive form: the alternatives, each an and of matchers. */
function toMatches(e: Expr): RuleMatch[] {
  if (e.kind === "not") throw new RuleError("it uses ! (a negation), which matches everything but something");
  if (e.kind === "or") return [...toMatches(e.left), ...toMatches(e.right)];
  if (e.kind !== "matcher") {
    const out: RuleMatch[] = [];
    for (const l of toMatches(e.left)) for (const r of toMatches(e.right)) out.push(combine(l, r));
    return out;
  }
  const name = e.name.toLowerCase();
  const list = (field: keyof RuleMatch) => e.args.map((a) => ({ ...empty(), [field]: [a] }));
  if (name === "host") return list("hosts");
  if (name === "hostregexp") return list("hostRegexps");
  if (name === "pathprefix" || name === "path") {
    for (const a of e.args) if (/[{}]/.test(a)) throw new RuleError(`${e.name}(\`${a}\`) uses a path template ({...}), which this reader does not follow`);
    return list(name === "path" ? "paths" : "pathPrefixes");
  }
  return [{ ...empty(), others: [`${e.name}(${e.args.map((a) => `\`${a}\``).join(", ")})`] }];
}

function combine(a: RuleMatch, b: RuleMatch): RuleMatch {
  return {
    hosts: [...a.hosts, ...b.hosts],
    hostRegexps: [...a.hostRegexps, ...b.hostRegexps],
    pathPrefixes: [...a.pathPrefixes, ...b.pathPrefixes],
    paths: [...a.paths, ...b.paths],
    others: [...a.others, ...b.others],
  };
}
