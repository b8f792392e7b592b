import { get, keyValues } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { commandArgs, isAllInterfaces, isTraefik, portsOf, servicesOf } from "../project-views.js";

export const traefikApiInsecure: LintRule = {
  meta: {
    id: "traefik-api-insecure",
    severity: "error",
    docs: "Traefik's API and dashboard in insecure mode (--api.insecure) with its port 8080 published on all interfaces: anyone on the network can read the routing.",
    fixable: false,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      if (!isTraefik(svc)) continue;
      const flag = commandArgs(svc).find((a) => /^--api\.insecure(=true)?$/i.test(a.text));
      const env = keyValues(get(svc, "environment")).find((kv) => kv.key === "TRAEFIK_API_INSECURE" && kv.value?.toLowerCase() === "true");
      const at = flag?.node.origin ?? env?.valueOrigin;
      if (!at) continue;
      const open = portsOf(svc).find((p) => p.target.start <= 8080 && 8080 <= p.target.end && isAllInterfaces(p.hostIp));
      if (open) ctx.report(at, `${name} runs Traefik's API insecure and publishes it on all interfaces (${open.published ? open.published.start : "a random port"}): bind the port to 127.0.0.1 or secure the API with a router and auth`);
    }
  },
};
