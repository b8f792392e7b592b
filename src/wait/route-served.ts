import type { Readiness } from "./wait-for.js";

/**
 * How long one GET through a proxy's host port may take, with `deadline` (ms since the epoch) the
 * end of the whole wait: the rest of it, but at least PROXY_GET_MIN_MS and at most
 * PROXY_GET_MAX_MS. On a loaded machine, through a userland port proxy, answers were seen to take
 * 2-3 s: a GET cut shorter throws away answers on their way, and the busier the machine the fewer
 * come back at all. The cap asks a stalled connection again on a new one within the bound instead
 * of waiting on it to its end.
 */
export function proxyGetTimeoutMs(deadline: number): number {
  return Math.min(PROXY_GET_MAX_MS, Math.max(PROXY_GET_MIN_MS, deadline - Date.now()));
}
export const PROXY_GET_MIN_MS = 2000;
const PROXY_GET_MAX_MS = 10_000;

/**
 * A route answers through the proxy, from `service`. Anything but a proxy's "no upstream"
 * (502/503/504) counts, since the app may answer its root with a 404; and where the proxy names
 * the service that answered (our nginx config sets X-Stack-Service on every route), it must be
 * this one: right after a reload, the previous configuration can still answer, with its own 404
 * or, for a nested route, from the parent route's service. Each GET is bounded by the wait's
 * deadline (see proxyGetTimeoutMs).
 */
export function routeServedBy(url: string, service: string, opts: { proxyNamesService: boolean }): Readiness {
  return {
    what: `${url} served by ${service}`,
    intervalMs: 25,
    async probe(look) {
      try {
        // A look outside a wait gets the shortest bound.
        const res = await fetch(url, { signal: AbortSignal.timeout(proxyGetTimeoutMs(look?.deadline ?? 0)) });
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
