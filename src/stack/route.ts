/**
 * A route is a path prefix. Only characters that are safe, unquoted, both inside a Traefik rule
 * (PathPrefix(`...`)) and in an nginx location and regex: no spaces, quotes, backticks, braces,
 * semicolons or `$`.
 */
export const ROUTE_PATTERN = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;

/**
 * The longest route: nginx refuses any configuration word over about 4 KiB ("too long parameter":
 * its 4,096-byte read buffer; measured, a `rewrite ^ROUTE/(.*)$` fails from a 4,089-character
 * route on), and the route sits inside longer words (the rewrite regex, Traefik's rule, Caddy's
 * matchers). 1,024 leaves room for all of them, and for the request line of a URL under it.
 */
export const ROUTE_MAX = 1024;

export function routeProblem(route: string): string | undefined {
  if (route.length > ROUTE_MAX) return `route "${route.slice(0, 40)}…" is ${route.length} characters long; the limit is ${ROUTE_MAX}`;
  if (!route.startsWith("/")) return `route "${route}" must start with "/" (e.g. /${route})`;
  if (route.length > 1 && route.endsWith("/")) return `route "${route}" must not end with "/" (use ${route.replace(/\/+$/, "")})`;
  if (route.split("/").some((part) => part === "." || part === "..")) {
    return `route "${route}" has a "." or ".." segment, which proxies and browsers resolve away: use plain names`;
  }
  if (!ROUTE_PATTERN.test(route)) {
    return `route "${route}" has characters a proxy rule cannot carry safely; use letters, digits, "-", "_", ".", "~" and "/"`;
  }
  return undefined;
}

/** Most specific first: deeper prefixes before the prefixes they extend (/api/admin before /api), siblings by name. */
export function compareRoutes(a: string, b: string): number {
  const depth = (r: string) => (r === "/" ? 0 : r.split("/").length);
  return depth(b) - depth(a) || a.localeCompare(b);
}
