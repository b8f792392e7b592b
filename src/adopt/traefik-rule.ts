import { parseRule, RuleSyntaxError, type RuleNode } from "../compose/traefik-rule.js";

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

/**
 * A Traefik v2/v3 router rule (`Host(\`a\`) && PathPrefix(\`/api\`) || Path(\`/x\`)`) as the
 * alternatives it matches, each an `&&` of matchers. It is read by the one rule parser lint uses
 * too (compose/traefik-rule); negations and v1-style path templates (`{name:regex}`) are refused
 * with the reason: a route read wrong is worse than none.
 */
export function parseTraefikRule(rule: string): RuleResult {
  try {
    return ruleMatches(parseRule(rule));
  } catch (err) {
    if (err instanceof RuleSyntaxError) return ruleMatches(undefined, err);
    throw err;
  }
}

/** The same, for a rule the label reader has parsed already (its tree, or its syntax error). */
export function ruleMatches(ast: RuleNode | undefined, error?: RuleSyntaxError): RuleResult {
  if (error || !ast) return { ok: false, reason: error ? `${error.message} (column ${error.offset + 1})` : "it is empty" };
  try {
    return { ok: true, matches: toMatches(ast) };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, reason: err.message };
    throw err;
  }
}

class RuleError extends Error {}

const empty = (): RuleMatch => ({ hosts: [], hostRegexps: [], pathPrefixes: [], paths: [], others: [] });

/** The rule in disjunctive form: the alternatives, each an and of matchers. */
function toMatches(e: RuleNode): RuleMatch[] {
  if (e.type === "not") throw new RuleError("it uses ! (a negation), which matches everything but something");
  if (e.type === "or") return [...toMatches(e.left), ...toMatches(e.right)];
  if (e.type !== "matcher") {
    const out: RuleMatch[] = [];
    for (const l of toMatches(e.left)) for (const r of toMatches(e.right)) out.push(combine(l, r));
    return out;
  }
  const list = (field: keyof RuleMatch) => e.args.map((a) => ({ ...empty(), [field]: [a] }));
  if (e.name === "Host") return list("hosts");
  if (e.name === "HostRegexp") return list("hostRegexps");
  if (e.name === "PathPrefix" || e.name === "Path") {
    for (const a of e.args) if (/[{}]/.test(a)) throw new RuleError(`${e.name}(\`${a}\`) uses a path template ({...}), which this reader does not follow`);
    return list(e.name === "Path" ? "paths" : "pathPrefixes");
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
