import { middlewareRef, rulePathPrefixes, stripPrefixes, type TraefikMiddleware } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { servicesOf, traefikOf } from "../project-views.js";

export const traefikStripPrefix: LintRule = {
  meta: {
    id: "traefik-strip-prefix",
    severity: "warning",
    docs: "A stripprefix middleware on a router whose rule's paths do not start with the prefix strips nothing: the app gets the full path.",
    fixable: false,
  },
  check(ctx) {
    const defined = new Map<string, TraefikMiddleware>();
    for (const [, svc] of servicesOf(ctx.project)) for (const m of traefikOf(svc).middlewares.values()) defined.set(m.name, m);
    for (const [, svc] of servicesOf(ctx.project)) {
      for (const r of traefikOf(svc).routers.values()) {
        if (!r.rule?.ast) continue;
        const paths = rulePathPrefixes(r.rule.ast);
        if (!paths) continue;
        for (const ref of r.middlewares) {
          const { name, provider } = middlewareRef(ref.value);
          if (provider && provider !== "docker") continue;
          const m = defined.get(name);
          const prefixes = m && stripPrefixes(m);
          if (!prefixes) continue;
          for (const prefix of prefixes) {
            const p = prefix.replace(/\/$/, "");
            if (!paths.some((path) => path === p || path.startsWith(p + "/") || (p === "" && path.startsWith("/")))) {
              ctx.report(m!.options.get("prefixes")?.origin ?? m!.origin, `stripprefix ${name} removes ${prefix}, but router ${r.name}'s rule matches ${paths.join(", ")}: nothing is stripped`);
            }
          }
        }
      }
    }
  },
};
