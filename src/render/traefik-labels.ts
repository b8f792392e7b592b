import type { ResolvedService } from "../stack/resolve-services.js";

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
  // While the service restarts, Traefik's own 502 (nothing listens) or 504 becomes the restarting
  // page, asked of the page server beside the socket proxy; first in the chain, so it sees the
  // final status. The status stays Traefik's (v3.3 has no rewrite); Retry-After and the page come
  // from the page server. An app's own 502/504 is replaced too: errors cannot tell them apart.
  const restarting = `${id}-restarting`;
  labels[`traefik.http.middlewares.${restarting}.errors.status`] = "502,504";
  labels[`traefik.http.middlewares.${restarting}.errors.service`] = restartingPageService(project);
  labels[`traefik.http.middlewares.${restarting}.errors.query`] = `${RESTARTING_PAGE_PATH}/${svc.name}`;
  const strip = svc.strip && svc.route !== "/";
  if (strip) labels[`traefik.http.middlewares.${id}-strip.stripprefix.prefixes`] = svc.route;
  labels[`traefik.http.routers.${id}.middlewares`] = strip ? `${restarting},${id}-strip` : restarting;
  labels[`traefik.http.routers.${id}-host.middlewares`] = restarting;
  // The scheme for the service: X-Forwarded-Proto is Traefik's own; Forwarded is set here.
  labels[`traefik.http.middlewares.${id}-http.headers.customrequestheaders.Forwarded`] = "proto=http";
  labels[`traefik.http.middlewares.${id}-https.headers.customrequestheaders.Forwarded`] = "proto=https";
  // The same routes over HTTPS on the websecure entry point: routers of their own with tls, so
  // the plain ones stay plain (a router on both entry points would be TLS on both).
  for (const router of [id, `${id}-host`]) {
    const plainMiddlewares = labels[`traefik.http.routers.${router}.middlewares`]!;
    labels[`traefik.http.routers.${router}.middlewares`] = `${plainMiddlewares},${id}-http`;
    labels[`traefik.http.routers.${router}-secure.rule`] = labels[`traefik.http.routers.${router}.rule`]!;
    labels[`traefik.http.routers.${router}-secure.entrypoints`] = "websecure";
    labels[`traefik.http.routers.${router}-secure.tls`] = "true";
    labels[`traefik.http.routers.${router}-secure.priority`] = labels[`traefik.http.routers.${router}.priority`]!;
    labels[`traefik.http.routers.${router}-secure.service`] = id;
    labels[`traefik.http.routers.${router}-secure.middlewares`] = `${plainMiddlewares},${id}-https`;
  }
  return labels;
}

/**
 * The labels without the HTTPS routers and the scheme headers: on Swarm there is no websecure entry
 * point and no dev certificate (TLS there is the cluster's, set up outside the stack).
 */
export function withoutDevTls(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (/^traefik\.http\.routers\.[^.]+-secure\./.test(key) || /^traefik\.http\.middlewares\.[^.]+-https?\.headers\./.test(key)) continue;
    if (/^traefik\.http\.routers\.[^.]+\.middlewares$/.test(key)) {
      out[key] = value.split(",").filter((m) => !/-https?$/.test(m)).join(",");
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** Where the page server (a second server in the socket proxy's nginx) answers: `${path}/SERVICE`. */
export const RESTARTING_PAGE_PATH = "/.well-known/create-stack/restarting";

/**
 * The Traefik service of the page server, defined by the socket proxy's labels (preset traefik).
 * Two dashes: no routed service's `${project}-${name}` can be spelt so (names start with a letter).
 */
export function restartingPageService(project: string): string {
  return `${project}--restarting-page`;
}

/** The same labels without the restarting page: where no page server runs (Swarm, no socket proxy). */
export function withoutRestartingPage(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (/^traefik\.http\.middlewares\.[^.]+-restarting\.errors\./.test(key)) continue;
    if (/^traefik\.http\.routers\.[^.]+\.middlewares$/.test(key)) {
      const rest = value.split(",").filter((m) => !m.endsWith("-restarting"));
      if (rest.length) out[key] = rest.join(",");
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * Labels for a service added to an adopted project whose own Traefik routes it: the rule, the
 * port and the strip-prefix only. Their entrypoint names and networks are theirs, so no
 * entrypoint is named (a router listens on all of them) and Traefik picks the shared network.
 */
export function adoptedTraefikLabels(project: string, svc: ResolvedService): Record<string, string> {
  const labels = withoutRestartingPage(traefikLabels(project, svc));
  delete labels["traefik.docker.network"];
  for (const key of Object.keys(labels)) if (key.endsWith(".entrypoints")) delete labels[key];
  return labels;
}
