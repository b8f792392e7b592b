import type { ResolvedService } from "../plan/resolve-services.js";

/**
 * Traefik labels for one routed service. Router, service and middleware names are prefixed with
 * the project, so two stacks on one engine (or copied labels) never collide; the strip-prefix
 * middleware is built from the same route as the rule, so the two cannot drift apart.
 */
export function traefikLabels(project: string, svc: ResolvedService): Record<string, string> {
  if (!svc.route || svc.port === undefined) return {};
  const id = `${project}-${svc.name}`;
  const rule = `PathPrefix(\`${svc.route}\`)`;
  const labels: Record<string, string> = {
    "traefik.enable": "true",
    "traefik.docker.network": `${project}_default`,
    [`traefik.http.routers.${id}.rule`]: rule,
    [`traefik.http.routers.${id}.entrypoints`]: "web",
    // Longer rules first, so /api/admin wins over /api whatever order the labels are read in.
    [`traefik.http.routers.${id}.priority`]: String(rule.length),
    [`traefik.http.routers.${id}.service`]: id,
    [`traefik.http.services.${id}.loadbalancer.server.port`]: String(svc.port),
  };
  // Also at http://NAME.localhost:PORT/ (browsers resolve *.localhost to loopback), unstripped.
  // Above every path rule: the host names the service whatever the path.
  const hostRule = `Host(\`${svc.name}.localhost\`)`;
  labels[`traefik.http.routers.${id}-host.rule`] = hostRule;
  labels[`traefik.http.routers.${id}-host.entrypoints`] = "web";
  labels[`traefik.http.routers.${id}-host.priority`] = String(10_000 + hostRule.length);
  labels[`traefik.http.routers.${id}-host.service`] = id;
  if (svc.strip && svc.route !== "/") {
    labels[`traefik.http.middlewares.${id}-strip.stripprefix.prefixes`] = svc.route;
    labels[`traefik.http.routers.${id}.middlewares`] = `${id}-strip`;
  }
  return labels;
}
