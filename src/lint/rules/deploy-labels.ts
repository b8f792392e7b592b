import { get, keyValues } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { commandArgs, isTraefik, servicesOf } from "../project-views.js";

export const deployLabels: LintRule = {
  meta: {
    id: "deploy-labels",
    severity: "warning",
    docs: "Traefik labels under deploy: are read only in Swarm mode; docker compose puts them on no container, so the route does not exist.",
    fixable: false,
  },
  check(ctx) {
    const swarm = servicesOf(ctx.project).some(([, s]) => isTraefik(s) && commandArgs(s).some((a) => /^--providers\.(swarm|docker\.swarmmode(=true)?$)/i.test(a.text)));
    if (swarm) return;
    for (const [name, svc] of servicesOf(ctx.project)) {
      const labels = keyValues(get(svc, "deploy", "labels")).filter((kv) => /^traefik\./i.test(kv.key));
      if (labels.length > 0) ctx.report(labels[0]!.keyOrigin, `${name} has ${labels.length} Traefik label${labels.length > 1 ? "s" : ""} under deploy.labels, which only Swarm reads: move them to labels:`);
    }
  },
};
