import { describe, expect, it } from "vitest";
import { allowedHost, cookieValue, guardRequest, sameOrigin, tokenCookie } from "./request-guard.js";

const PORT = 7301;
const TOKEN = "s3cret-token";
const page = { needsToken: false, changesState: false };
const stream = { needsToken: true, changesState: false };
const action = { needsToken: true, changesState: true };
const req = (method: string, headers: Record<string, string>) => ({ method, headers });

describe("dashboard request guard", () => {
  it.each([
    ["127.0.0.1:7301", true],
    ["localhost:7301", true],
    ["LOCALHOST:7301", true],
    ["[::1]:7301", true],
    ["api.localhost:7301", true],
    ["127.0.0.1:7302", false],
    ["127.0.0.1", false],
    ["evil.example:7301", false],
    ["localhost.evil.example:7301", false],
    [".localhost:7301", false],
    ["127.0.0.2:7301", false],
    ["", false],
  ])("Host %s allowed: %s", (host, ok) => {
    expect(allowedHost(host, PORT)).toBe(ok);
  });

  it("an Origin is ours only with http, an allowed host, our port, and the host the request went to", () => {
    expect(sameOrigin("http://127.0.0.1:7301", "127.0.0.1:7301", PORT)).toBe(true);
    expect(sameOrigin("http://localhost:7301", "127.0.0.1:7301", PORT)).toBe(false);
    expect(sameOrigin("http://127.0.0.1:3000", "127.0.0.1:7301", PORT)).toBe(false);
    expect(sameOrigin("https://127.0.0.1:7301", "127.0.0.1:7301", PORT)).toBe(false);
    expect(sameOrigin("null", "127.0.0.1:7301", PORT)).toBe(false);
    expect(sameOrigin("http://evil.example:7301", "evil.example:7301", PORT)).toBe(false);
  });

  it("reads the cookie named after the port", () => {
    expect(cookieValue(`a=1; ${tokenCookie(PORT)}=${TOKEN}; b=2`, tokenCookie(PORT))).toBe(TOKEN);
    expect(cookieValue(`${tokenCookie(7302)}=${TOKEN}`, tokenCookie(PORT))).toBeUndefined();
  });

  it("the page needs only the right Host", () => {
    expect(guardRequest(req("GET", { host: "127.0.0.1:7301" }), PORT, TOKEN, page)).toEqual({ ok: true });
    expect(guardRequest(req("GET", { host: "rebound.example:7301" }), PORT, TOKEN, page)).toMatchObject({ ok: false, status: 421 });
  });

  it("the push channel needs the token, and no foreign Origin or cross-site fetch", () => {
    const host = "127.0.0.1:7301";
    const cookie = `${tokenCookie(PORT)}=${TOKEN}`;
    expect(guardRequest(req("GET", { host, cookie }), PORT, TOKEN, stream)).toEqual({ ok: true });
    expect(guardRequest(req("GET", { host, cookie, "sec-fetch-site": "same-origin" }), PORT, TOKEN, stream)).toEqual({ ok: true });
    expect(guardRequest(req("GET", { host }), PORT, TOKEN, stream)).toMatchObject({ ok: false, status: 401 });
    expect(guardRequest(req("GET", { host, cookie: `${tokenCookie(PORT)}=wrong` }), PORT, TOKEN, stream)).toMatchObject({ ok: false, status: 401 });
    expect(guardRequest(req("GET", { host, cookie, origin: "http://127.0.0.1:3000" }), PORT, TOKEN, stream)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req("GET", { host, cookie, "sec-fetch-site": "same-site" }), PORT, TOKEN, stream)).toMatchObject({ ok: false, status: 403 });
  });

  it("an action needs its own Origin and the token (cookie or header)", () => {
    const host = "127.0.0.1:7301";
    const origin = "http://127.0.0.1:7301";
    expect(guardRequest(req("POST", { host, origin, "x-dashboard-token": TOKEN }), PORT, TOKEN, action)).toEqual({ ok: true });
    expect(guardRequest(req("POST", { host, origin, cookie: `${tokenCookie(PORT)}=${TOKEN}` }), PORT, TOKEN, action)).toEqual({ ok: true });
    expect(guardRequest(req("POST", { host, "x-dashboard-token": TOKEN }), PORT, TOKEN, action)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req("POST", { host, origin: "http://localhost:7301", "x-dashboard-token": TOKEN }), PORT, TOKEN, action)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req("POST", { host, origin }), PORT, TOKEN, action)).toMatchObject({ ok: false, status: 401 });
    expect(guardRequest(req("POST", { host, origin, "x-dashboard-token": "s3cret-tokem" }), PORT, TOKEN, action)).toMatchObject({ ok: false, status: 401 });
  });
});
