import type { LintRule } from "../lint-rule.js";
import { servicesOf, traefikOf } from "../project-views.js";

export const traefikRouterRule: LintRule = {
  meta: {
    id: "traefik-router-rule",
    severity: "error",
    docs: "An HTTP router needs a rule Traefik can read: one without a rule, or with a rule that does not parse, routes nothing.",
    fixable: false,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const r of traefikOf(svc).routers.values()) {
        if (r.protocol === "udp") continue;
        if (!r.rule) ctx.report(r.origin, `router ${r.name} of ${name} has no rule: add traefik.${r.protocol}.routers.${r.name}.rule`);
        else if (r.rule.error) {
          const at = r.rule.origin;
          ctx.report(at, `router ${r.name}: rule does not parse: ${r.rule.error.message} (at character ${r.rule.error.offset + 1} of "${r.rule.value}")`);
        }
      }
    }
  },
};
