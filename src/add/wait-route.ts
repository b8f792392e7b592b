/**
 * Polls a route through the proxy until `service` answers it. Anything but a proxy's "no
 * upstream" (502/503/504) counts, since the app may answer its root with a 404; and where the
 * proxy names the service that answered (our nginx config sets X-Stack-Service on every route),
 * it must be this one: right after a reload, the previous configuration can still answer, with
 * its own 404 or, for a nested route, from the parent route's service.
 */
export async function waitForRoute(url: string, service: string, opts: { timeoutMs: number; proxyNamesService: boolean }): Promise<boolean> {
  const { timeoutMs } = opts;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      const answeredBy = res.headers.get("x-stack-service");
      const rightService = opts.proxyNamesService ? answeredBy === service : answeredBy === null || answeredBy === service;
      if (![502, 503, 504].includes(res.status) && rightService) return true;
    } catch {
      // Not reachable yet.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
