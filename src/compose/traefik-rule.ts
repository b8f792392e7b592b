/** A Traefik router rule as a tree: matchers joined by &&, || and !, grouped by parentheses. */
export type RuleNode =
  | { type: "matcher"; name: string; args: string[]; offset: number }
  | { type: "and" | "or"; left: RuleNode; right: RuleNode }
  | { type: "not"; expr: RuleNode };

export class RuleSyntaxError extends Error {
  /** Offset in the rule text where reading stopped. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = "RuleSyntaxError";
    this.offset = offset;
  }
}

type Token = { kind: "name" | "string" | "(" | ")" | "," | "&&" | "||" | "!" | "end"; text: string; offset: number };

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "`" || c === '"') {
      const end = rule.indexOf(c, i + 1);
      if (end < 0) throw new RuleSyntaxError(`unclosed ${c} string`, i);
      out.push({ kind: "string", text: rule.slice(i + 1, end), offset: i });
      i = end + 1;
      continue;
    }
    const two = rule.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      out.push({ kind: two, text: two, offset: i });
      i += 2;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === "!") {
      out.push({ kind: c, text: c, offset: i });
      i++;
      continue;
    }
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(rule.slice(i))?.[0];
    if (!name) throw new RuleSyntaxError(`unexpected "${c}"`, i);
    out.push({ kind: "name", text: name, offset: i });
    i += name.length;
  }
  out.push({ kind: "end", text: "", offset: rule.length });
  return out;
}

/** The matchers Traefik v2 and v3 know; anything else is a typo Traefik would refuse. */
export const RULE_MATCHERS = new Set([
  "Host",
  "HostRegexp",
  "Path",
  "PathPrefix",
  "PathRegexp",
  "Method",
  "Header",
  "HeaderRegexp",
  "Headers",
  "HeadersRegexp",
  "Query",
  "QueryRegexp",
  "ClientIP",
  "HostSNI",
  "HostSNIRegexp",
  "ALPN",
]);

/**
 * Parses a router rule such as ``Host(`a.test`) && (PathPrefix(`/api`) || Path(`/x`))``. Both v2's
 * comma lists (``Host(`a`, `b`)``) and v3's one-argument matchers read; an unknown matcher,
 * a missing parenthesis or a stray token is a RuleSyntaxError at its offset.
 */
export function parseRule(rule: string): RuleNode {
  const tokens = tokenize(rule);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const take = (kind: Token["kind"], what: string): Token => {
    const t = tokens[pos]!;
    if (t.kind !== kind) throw new RuleSyntaxError(`expected ${what}${t.kind === "end" ? " before the end" : `, found "${t.text}"`}`, t.offset);
    pos++;
    return t;
  };
  const or = (): RuleNode => {
    let left = and();
    while (peek().kind === "||") {
      pos++;
      left = { type: "or", left, right: and() };
    }
    return left;
  };
  const and = (): RuleNode => {
    let left = unary();
    while (peek().kind === "&&") {
      pos++;
      left = { type: "and", left, right: unary() };
    }
    return left;
  };
  const unary = (): RuleNode => {
    const t = peek();
    if (t.kind === "!") {
      pos++;
      return { type: "not", expr: unary() };
    }
    if (t.kind === "(") {
      pos++;
      const inner = or();
      take(")", '")"');
      return inner;
    }
    const name = take("name", "a matcher such as PathPrefix(`/x`)");
    if (!RULE_MATCHERS.has(name.text)) throw new RuleSyntaxError(`unknown matcher ${name.text}`, name.offset);
    take("(", `"(" after ${name.text}`);
    const args: string[] = [];
    if (peek().kind !== ")") {
      args.push(take("string", "a quoted argument").text);
      while (peek().kind === ",") {
        pos++;
        args.push(take("string", "a quoted argument").text);
      }
    }
    take(")", `")" closing ${name.text}`);
    return { type: "matcher", name: name.text, args, offset: name.offset };
  };
  if (peek().kind === "end") throw new RuleSyntaxError("the rule is empty", 0);
  const tree = or();
  if (peek().kind !== "end") throw new RuleSyntaxError(`unexpected "${peek().text}" after a complete rule`, peek().offset);
  return tree;
}

/** Every matcher of a rule, in order. */
export function ruleMatchers(node: RuleNode): Extract<RuleNode, { type: "matcher" }>[] {
  if (node.type === "matcher") return [node];
  if (node.type === "not") return ruleMatchers(node.expr);
  return [...ruleMatchers(node.left), ...ruleMatchers(node.right)];
}

/**
 * Path prefixes a request must start with for the rule to match, or undefined if some matching
 * request is not limited by path (an `||` branch without a path matcher, or a negated one).
 */
export function rulePathPrefixes(node: RuleNode): string[] | undefined {
  switch (node.type) {
    case "matcher":
      if (node.name === "PathPrefix" || node.name === "Path") return node.args;
      return undefined;
    case "not":
      return undefined;
    case "and": {
      const l = rulePathPrefixes(node.left);
      const r = rulePathPrefixes(node.right);
      return l && r ? [...l, ...r] : (l ?? r);
    }
    case "or": {
      const l = rulePathPrefixes(node.left);
      const r = rulePathPrefixes(node.right);
      return l && r ? [...l, ...r] : undefined;
    }
  }
}
