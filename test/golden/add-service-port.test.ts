import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PORT_SEARCH_SPAN } from "../../src/plan/resolve-env.js";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const run = (cli: string, args: string[], cwd?: string) => spawnSync("node", [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, input: "" });
const envPort = (dir: string, key: string) => Number(new RegExp(`^${key}=(\\d+)$`, "m").exec(readFileSync(join(dir, ".env"), "utf8"))?.[1]);

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function hold(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(server));
  });
}

/** A port this test holds whose next neighbour is free right now. */
async function heldPort(): Promise<number> {
  for (;;) {
    const server = await hold();
    const port = (server.address() as { port: number }).port;
    const next = await hold(port + 1).catch(() => undefined);
    if (!next) {
      await new Promise((r) => server.close(r));
      continue;
    }
    await new Promise((r) => next.close(r));
    servers.push(server);
    return port;
  }
}

describe("dev add service: the host port", () => {
  it("a default port that is taken moves to the next free one above it, as dev up moves a taken port", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cs-port-")), "app");
    expect(run(CREATE, [dir, "--yes", "--preset", "python-http", "--proxy", "none"]).status).toBe(0);
    const taken = await heldPort();
    const added = run(DEV, ["add", "service", "cache", "--image", "memcached:1.6", "--port", String(taken), "--no-start"], dir);
    expect(added.status, added.stderr).toBe(0);
    expect(envPort(dir, "CACHE_PORT")).toBe(taken + 1);
  }, 60_000);

  it("a second service on the same container port gets a neighbour of the first's host port", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cs-port-")), "app");
    expect(run(CREATE, [dir, "--yes", "--preset", "python-http", "--proxy", "none"]).status).toBe(0);
    const api = envPort(dir, "API_PORT");
    const added = run(DEV, ["add", "service", "billing", "--no-start"], dir);
    expect(added.status, added.stderr).toBe(0);
    // Both serve on 8000 inside their containers: billing's host port is the next free one above
    // 8000 that api does not have, not one from the ephemeral range.
    const billing = envPort(dir, "BILLING_PORT");
    expect(billing).not.toBe(api);
    expect(billing).toBeGreaterThan(8000);
    expect(billing).toBeLessThanOrEqual(8000 + PORT_SEARCH_SPAN);
  }, 60_000);
});
