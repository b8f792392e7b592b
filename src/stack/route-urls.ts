/**
 * Where a route answers on this machine, over each scheme the proxy serves: HTTP on 127.0.0.1 at
 * PROXY_PORT, HTTPS at PROXY_HTTPS_PORT on `localhost` (the name the project certificate carries;
 * Traefik refuses a handshake without a name it knows). One place, so `dev up`, `dev status`,
 * `dev routes`, `dev open`, `dev add` and the dashboard print the same addresses.
 */
export interface RouteUrls {
  url?: string;
  httpsUrl?: string;
}

/** The addresses of `route` ("/" or "/api"), with a trailing "/" when `slash` (what a browser opens). */
export function routeUrls(route: string, env: ReadonlyMap<string, string>, slash = false): RouteUrls {
  const path = slash && route !== "/" ? `${route}/` : route;
  const port = env.get("PROXY_PORT");
  const httpsPort = env.get("PROXY_HTTPS_PORT");
  return {
    ...(port ? { url: `http://127.0.0.1:${port}${path}` } : {}),
    ...(httpsPort ? { httpsUrl: `https://localhost:${httpsPort}${path}` } : {}),
  };
}
