import type { Readiness } from "./wait-for.js";

/**
 * A route answers through the proxy, from `service`. Anything but a proxy's "no upstream"
 * (502/503/504) counts, since the app may answer its root with a 404; and where the proxy names
 * the service that answered (our nginx config sets X-Stack-Service on every route), it must be
 * this one: right after a reload, the previous configuration can still answer, with its own 404
 * or, for a nested route, from the parent route's service.
 */
export function routeServedBy(url: string, service: string, opts: { proxyNamesService: boolean }): Readiness {
  return {
    what: `${url} served by ${service}`,
    intervalMs: 25,
    async probe() {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(500) });
        await res.arrayBuffer();
        const answeredBy = res.headers.get("x-stack-service");
        const rightService = opts.proxyNamesService ? answeredBy === service : answeredBy === null || answeredBy === service;
        return { ready: ![502, 503, 504].includes(res.status) && rightService };
      } catch {
        return { ready: false };
      }
    },
  };
}
