import { timingSafeEqual } from "node:crypto";

/**
 * The dashboard's checks on each request, pure. A page that can restart containers is an attack
 * surface: any web page the user visits can send requests to 127.0.0.1. So:
 * - Host must name this machine's loopback (localhost, 127.0.0.1, [::1], *.localhost) with our
 *   port: a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own name;
 * - Origin, when a browser sends one, must be this server itself (a page on another port of
 *   localhost is another origin, though the same site for cookies);
 * - every action and the push channel carry the per-run token (cookie or header).
 */
/** Cookies do not tell ports apart: each dashboard's cookie is named after its port. */
export const tokenCookie = (port: number) => `cs_dashboard_${port}`;
export const TOKEN_HEADER = "x-dashboard-token";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The host name of a Host or Origin authority, lower-cased, and its port. */
function splitAuthority(authority: string): { host: string; port: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d+))?$/i.exec(authority);
  return m ? { host: m[1]!.toLowerCase(), port: m[2] ?? "" } : undefined;
}

function loopbackName(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (host.endsWith(".localhost") && host.length > ".localhost".length);
}

/** The Host header names a loopback host with this server's port. */
export function allowedHost(hostHeader: string | undefined, port: number): boolean {
  const a = hostHeader ? splitAuthority(hostHeader) : undefined;
  return a !== undefined && loopbackName(a.host) && a.port === String(port);
}

/** An Origin header is this server's own: http, a loopback host, this port, and the host the request was sent to. */
export function sameOrigin(origin: string, hostHeader: string | undefined, port: number): boolean {
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  if (!m || !allowedHost(m[1], port) || !hostHeader) return false;
  return m[1]!.toLowerCase() === hostHeader.toLowerCase();
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Compared in constant time: the answer's timing says nothing about how much of a guess was right. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface GuardRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; reason: string };

const header = (req: GuardRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Whether a request may go on. `needsToken`: actions and the push channel; `changesState`: an
 * action, which must come with an Origin (browsers send it on every POST) that is ours.
 */
export function guardRequest(req: GuardRequest, port: number, token: string, opts: { needsToken: boolean; changesState: boolean }): GuardVerdict {
  const host = header(req, "host");
  if (!allowedHost(host, port)) return { ok: false, status: 421, reason: "this dashboard answers only on its own loopback address (Host not allowed)" };
  const origin = header(req, "origin");
  if (origin !== undefined && !sameOrigin(origin, host, port)) return { ok: false, status: 403, reason: "cross-origin request refused" };
  if (opts.changesState && origin === undefined) return { ok: false, status: 403, reason: "an action must carry its Origin" };
  if (!opts.needsToken) return { ok: true };
  // Without an Origin (a same-origin GET), the browser's own word on where it came from.
  const site = header(req, "sec-fetch-site");
  if (site !== undefined && !["same-origin", "none"].includes(site)) return { ok: false, status: 403, reason: "cross-site request refused" };
  if (!tokenMatches(header(req, TOKEN_HEADER) ?? cookieValue(header(req, "cookie"), tokenCookie(port)), token)) {
    return { ok: false, status: 401, reason: "missing or wrong token: open the URL dev up printed (or dev open --ui)" };
  }
  return { ok: true };
}
