import { createServer, type Server } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { portListening, resetReachability } from "./port-listening.js";
import type { Readiness } from "./wait-for.js";

function fallback(ready: boolean): Readiness & { looks: number } {
  const r = { what: "published port answering", intervalMs: 10, looks: 0, probe: async () => (r.looks++, { ready }) };
  return r;
}

let server: Server;
let port = 0;
beforeEach(async () => {
  resetReachability();
  server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the app's port, asked at the container's address", () => {
  it("listening: ready; refused: not ready, and from then on only the address is asked", async () => {
    const other = fallback(false);
    expect(await portListening("127.0.0.1", port, other).probe()).toEqual({ ready: true });
    expect(other.looks).toBe(1);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = portListening("127.0.0.1", port, other);
    expect(await refused.probe()).toEqual({ ready: false });
    expect(await refused.probe()).toEqual({ ready: false });
    expect(other.looks).toBe(1);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect(await refused.probe()).toEqual({ ready: true });
  });

  it("an address out of reach (no answer at all): the published port instead, for every later container too", async () => {
    // As from the host of Docker Desktop's VM: no route, or no answer within the time.
    const other = fallback(true);
    const unreachable = portListening("10.250.0.2", 80, other, async () => "unreachable");
    expect(await unreachable.probe()).toEqual({ ready: true });
    expect(other.looks).toBe(1);
    const next = fallback(false);
    const later = portListening("127.0.0.1", port, next);
    expect(await later.probe()).toEqual({ ready: false });
    expect(next.looks).toBe(1);
  });

  it("a connection attempt never hangs: an address nothing answers at gives way to the published port", async () => {
    // TEST-NET-1 (RFC 5737): nothing answers there; a network without a route says so at once.
    const other = fallback(true);
    expect(await portListening("192.0.2.1", 80, other).probe()).toEqual({ ready: true });
  }, 10_000);
});
