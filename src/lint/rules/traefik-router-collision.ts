import type { LintRule } from "../lint-rule.js";
import { servicesOf, traefikOf } from "../project-views.js";

export const traefikRouterCollision: LintRule = {
  meta: {
    id: "traefik-router-collision",
    severity: "error",
    docs: "Two services define a router of the same name: Traefik merges or drops them ('defined multiple times with different configurations').",
    fixable: false,
  },
  check(ctx) {
    const first = new Map<string, string>();
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const r of traefikOf(svc).routers.values()) {
        const key = `${r.protocol}/${r.name.toLowerCase()}`;
        const owner = first.get(key);
        if (owner === undefined) first.set(key, name);
        else if (owner !== name) ctx.report(r.origin, `router ${r.name} of ${name} is also defined by ${owner}: give each service's router its own name`);
      }
    }
  },
};
