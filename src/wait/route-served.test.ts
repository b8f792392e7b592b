import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { proxyGetTimeoutMs, routeServedBy } from "./route-served.js";
import { waitFor } from "./wait-for.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/shop/`;
}

describe("routeServedBy", () => {
  it("waits for a slow answer instead of cutting it short (a loaded machine's proxy took 2-3 s): each GET is bounded by the wait's deadline", async () => {
    let asked = 0;
    const url = await serve((_req, res) => {
      asked++;
      setTimeout(() => res.writeHead(200, { "x-stack-service": "shop" }).end("ok"), 2500);
    });
    expect(await waitFor(routeServedBy(url, "shop", { proxyNamesService: true }), { timeoutMs: 60_000 })).toBe(true);
    expect(asked).toBe(1);
  });

  it("a proxy's no-upstream answer, or another service's, is not served", async () => {
    let status = 502;
    let by = "shop";
    const url = await serve((_req, res) => res.writeHead(status, { "x-stack-service": by }).end());
    const served = routeServedBy(url, "shop", { proxyNamesService: true });
    expect(await served.probe()).toEqual({ ready: false });
    status = 404;
    by = "api";
    expect(await served.probe()).toEqual({ ready: false });
    by = "shop";
    expect(await served.probe()).toEqual({ ready: true });
  });
});

describe("proxyGetTimeoutMs", () => {
  it("is the rest of the bound, at least 2 s, at most 10 s", () => {
    const now = Date.now();
    expect(proxyGetTimeoutMs(now + 60_000)).toBe(10_000);
    const rest = proxyGetTimeoutMs(now + 5000);
    expect(rest).toBeGreaterThan(4000);
    expect(rest).toBeLessThanOrEqual(5000);
    expect(proxyGetTimeoutMs(now - 1000)).toBe(2000);
  });
});
