import type { ComposeNode, Origin } from "./compose-node.js";
import { keyValues } from "./short-syntax.js";
import { parseRule, RuleSyntaxError, type RuleNode } from "./traefik-rule.js";

export { parseRule, RuleSyntaxError, ruleMatchers, rulePathPrefixes, RULE_MATCHERS, type RuleNode } from "./traefik-rule.js";

/** A label's value and where it was written. */
export interface LabelValue {
  value: string;
  origin: Origin;
  /** Where the label's key was written (the list item, for `- key=value` labels). */
  keyOrigin: Origin;
  /** The full label key, e.g. traefik.http.routers.api.rule. */
  label: string;
}

export interface TraefikRouter {
  name: string;
  protocol: "http" | "tcp" | "udp";
  rule?: LabelValue & { ast?: RuleNode; error?: RuleSyntaxError };
  entrypoints: string[];
  middlewares: LabelValue[];
  service?: LabelValue;
  tls: boolean;
  /** The first label that names this router. */
  origin: Origin;
}

export interface TraefikService {
  name: string;
  port?: LabelValue;
  origin: Origin;
}

export interface TraefikMiddleware {
  name: string;
  /** stripprefix, addprefix, redirectscheme, basicauth, ... (lower case). */
  type: string;
  /** Option path under the type (e.g. "prefixes") → value. */
  options: Map<string, LabelValue>;
  origin: Origin;
}

export interface TraefikLabels {
  enable?: LabelValue;
  network?: LabelValue;
  routers: Map<string, TraefikRouter>;
  services: Map<string, TraefikService>;
  middlewares: Map<string, TraefikMiddleware>;
  /** Every traefik.* label, for rules that look at others (e.g. the API's insecure flag). */
  all: LabelValue[];
}

const split = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);

/**
 * Reads a service's Traefik labels (docker provider, v2 and v3): routers with their rule (parsed),
 * entrypoints, middlewares, service and tls; load-balancer services and their port; middlewares
 * with their options. Label keys are case-insensitive in Traefik; names keep the case written.
 */
export function parseTraefikLabels(labels: ComposeNode | undefined): TraefikLabels {
  const out: TraefikLabels = { routers: new Map(), services: new Map(), middlewares: new Map(), all: [] };
  for (const kv of keyValues(labels)) {
    if (!/^traefik\./i.test(kv.key) || kv.value === null) continue;
    const lv: LabelValue = { value: kv.value, origin: kv.valueOrigin, keyOrigin: kv.keyOrigin, label: kv.key };
    out.all.push(lv);
    const parts = kv.key.split(".");
    const lower = parts.map((p) => p.toLowerCase());
    if (lower[1] === "enable" && parts.length === 2) out.enable = lv;
    else if (lower[1] === "docker" && lower[2] === "network") out.network = lv;
    else if (["http", "tcp", "udp"].includes(lower[1]!) && parts.length >= 5) {
      const protocol = lower[1] as TraefikRouter["protocol"];
      const name = parts[3]!;
      const rest = lower.slice(4);
      if (lower[2] === "routers") {
        let r = out.routers.get(name);
        if (!r) {
          r = { name, protocol, entrypoints: [], middlewares: [], tls: false, origin: kv.keyOrigin };
          out.routers.set(name, r);
        }
        const field = rest.join(".");
        if (field === "rule") {
          r.rule = { ...lv };
          try {
            r.rule.ast = parseRule(kv.value);
          } catch (err) {
            if (!(err instanceof RuleSyntaxError)) throw err;
            r.rule.error = err;
          }
        } else if (field === "entrypoints") r.entrypoints = split(kv.value);
        else if (field === "middlewares") r.middlewares = split(kv.value).map((m) => ({ ...lv, value: m }));
        else if (field === "service") r.service = lv;
        else if (field === "tls") r.tls = kv.value.toLowerCase() === "true";
        else if (field.startsWith("tls.")) r.tls = true;
      } else if (lower[2] === "services") {
        let s = out.services.get(name);
        if (!s) {
          s = { name, origin: kv.keyOrigin };
          out.services.set(name, s);
        }
        if (rest.join(".") === "loadbalancer.server.port") s.port = lv;
      } else if (lower[2] === "middlewares" && protocol !== "udp") {
        let m = out.middlewares.get(name);
        if (!m) {
          m = { name, type: rest[0]!, options: new Map(), origin: kv.keyOrigin };
          out.middlewares.set(name, m);
        }
        m.options.set(rest.slice(1).join("."), lv);
      }
    }
  }
  return out;
}

/** The prefixes a stripprefix middleware removes (v2's `prefixes` list, or `prefix` of old). */
export function stripPrefixes(m: TraefikMiddleware): string[] | undefined {
  if (m.type !== "stripprefix") return undefined;
  const v = m.options.get("prefixes") ?? m.options.get("prefix");
  return v ? split(v.value) : [];
}

/** A middleware reference's name and provider: `auth@file` → {name: auth, provider: file}. */
export function middlewareRef(ref: string): { name: string; provider?: string } {
  const at = ref.lastIndexOf("@");
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), provider: ref.slice(at + 1).toLowerCase() };
}
