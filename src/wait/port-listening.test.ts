import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Look } from "./port-answers.js";
import { portListening, resetReachability } from "./port-listening.js";
import type { Readiness } from "./wait-for.js";

function fallback(ready: boolean): Readiness & { looks: number } {
  const r = { what: "published port answering", intervalMs: 10, looks: 0, probe: async () => (r.looks++, { ready }) };
  return r;
}
const always = (found: Look) => async () => found;

let server: Server;
let port = 0;
const listen = (s: Server | ReturnType<typeof createTcpServer>, at = 0) => new Promise<void>((resolve) => s.listen(at, "127.0.0.1", resolve));
beforeEach(async () => {
  resetReachability();
  server = createServer((_req, res) => res.end("ok"));
  await listen(server);
  port = (server.address() as { port: number }).port;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the app's port, asked at the container's address", () => {
  it("an answer: ready, and from then on only the address is asked; refused: not ready", async () => {
    const other = fallback(false);
    expect(await portListening("127.0.0.1", port, other).probe()).toEqual({ ready: true });
    expect(other.looks).toBe(1);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = portListening("127.0.0.1", port, other);
    expect(await refused.probe()).toEqual({ ready: false });
    expect(other.looks).toBe(1);
    server = createServer((_req, res) => res.end("ok"));
    await listen(server, port);
    expect(await refused.probe()).toEqual({ ready: true });
  });

  it("a port that accepts but does not answer (a launcher listening before its app is loaded) is not ready", async () => {
    const silent = createTcpServer(() => undefined);
    await listen(silent);
    try {
      const at = (silent.address() as { port: number }).port;
      expect(await portListening("127.0.0.1", at, fallback(false)).probe()).toEqual({ ready: false });
    } finally {
      silent.close();
    }
  });

  it("an address out of reach: the published port instead, for every later container too", async () => {
    const other = fallback(true);
    expect(await portListening("10.250.0.2", 80, other, always("unreachable")).probe()).toEqual({ ready: true });
    const next = fallback(false);
    expect(await portListening("127.0.0.1", port, next).probe()).toEqual({ ready: false });
    expect(next.looks).toBe(1);
  });

  it("an address refused while the published port answers is someone else's: the published port it is", async () => {
    const other = fallback(true);
    const p = portListening("172.17.0.5", 8000, other, always("not-yet"));
    expect(await p.probe()).toEqual({ ready: true });
    expect(await p.probe()).toEqual({ ready: true });
    expect(other.looks).toBe(2);
    // Nothing learnt for the others: an answer at an address is what shows addresses are reached.
    const next = fallback(false);
    expect(await portListening("127.0.0.1", port, next).probe()).toEqual({ ready: true });
    expect(next.looks).toBe(1);
  });

  it("the published port answering is not kept waiting on a slow look at the address, which still teaches", async () => {
    let found: (look: Look) => void = () => undefined;
    const slow = () => new Promise<Look>((resolve) => (found = resolve));
    const started = Date.now();
    expect(await portListening("10.250.0.9", 8000, fallback(true), slow).probe()).toEqual({ ready: true });
    expect(Date.now() - started).toBeLessThan(500);
    found("unreachable");
    await new Promise((r) => setImmediate(r));
    const next = fallback(false);
    expect(await portListening("127.0.0.1", port, next).probe()).toEqual({ ready: false });
    expect(next.looks).toBe(1);
  });

  it("a look at an address nothing answers at is bounded: it gives way to the published port", async () => {
    // TEST-NET-1 (RFC 5737): nothing answers there (a network may refuse at once or drop it).
    const started = Date.now();
    expect(await portListening("192.0.2.1", 80, fallback(true)).probe()).toEqual({ ready: true });
    expect(Date.now() - started).toBeLessThan(3000);
  }, 10_000);
});
