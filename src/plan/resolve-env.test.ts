import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { allocateFreePort, portCandidates, PORT_SEARCH_SPAN } from "./resolve-env.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Holds a port on 127.0.0.1 (0: any free one); resolves with its number. */
function hold(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      servers.push(server);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * Three consecutive free ports whose first is held: the test owns the neighbourhood. Below the
 * kernel's ephemeral range (Linux: 32768 on): a port released there can be taken at once as the
 * local end of another test's outgoing connection.
 */
async function heldWithFreeNeighbours(): Promise<number> {
  for (;;) {
    let port: number;
    try {
      port = await hold(20_000 + Math.floor(Math.random() * 12_000));
    } catch {
      continue;
    }
    try {
      // Bind and release the next two: both free right now.
      for (const next of [port + 1, port + 2]) {
        await hold(next);
        await new Promise((r) => servers.pop()!.close(r));
      }
      return port;
    } catch {
      // A neighbour is in use: try another.
    }
  }
}

describe("host port choice", () => {
  it("tries the preferred port, then the ones just above it", () => {
    expect(portCandidates(8000, 3)).toEqual([8000, 8001, 8002, 8003]);
    expect(portCandidates(8000)).toHaveLength(PORT_SEARCH_SPAN + 1);
    expect(portCandidates(65_534, 5)).toEqual([65_534, 65_535]);
  });

  it("keeps the preferred port when it is free", async () => {
    const port = await heldWithFreeNeighbours();
    await new Promise((r) => servers.shift()!.close(r));
    expect(await allocateFreePort(port, new Set())).toBe(port);
  });

  it("a taken port moves to the next free one above it, never to a random port", async () => {
    const port = await heldWithFreeNeighbours();
    expect(await allocateFreePort(port, new Set())).toBe(port + 1);
  });

  it("a port another service of the stack has is skipped the same way", async () => {
    const port = await heldWithFreeNeighbours();
    expect(await allocateFreePort(port, new Set([port + 1]))).toBe(port + 2);
  });
});
