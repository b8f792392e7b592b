import { middlewareRef } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { servicesOf, traefikOf } from "../project-views.js";

export const traefikUndefinedMiddleware: LintRule = {
  meta: {
    id: "traefik-undefined-middleware",
    severity: "error",
    docs: "A router names a middleware that no service's labels define (in the merged project): Traefik refuses the router.",
    fixable: false,
  },
  check(ctx) {
    const defined = new Set<string>();
    const all = [...ctx.project.services.values(), ...ctx.project.disabledServices.values()];
    for (const svc of all) for (const m of traefikOf(svc).middlewares.keys()) defined.add(m);
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const r of traefikOf(svc).routers.values()) {
        for (const ref of r.middlewares) {
          const { name: mw, provider } = middlewareRef(ref.value);
          // @file, @internal, @kubernetescrd ...: defined outside the compose project.
          if (provider && provider !== "docker") continue;
          if (!defined.has(mw)) ctx.report(ref.origin, `router ${r.name} of ${name} uses middleware ${mw}, which no service defines (traefik.http.middlewares.${mw}.*); if it lives in a file provider, write ${mw}@file`);
        }
      }
    }
  },
};
