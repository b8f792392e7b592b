import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import { isStackError } from "../errors/stack-error.js";
import { allOf, backingOff, condition, containerHealthy, failuresOf, firstOf, portAnswers, waitFor, type Readiness } from "./index.js";
import { lookAt, lookOfError } from "./port-answers.js";

/** A condition that becomes ready on its n-th look. */
function readyAfter(n: number, what = `ready after ${n}`): Readiness & { looks: number } {
  const r = { what, intervalMs: 1, looks: 0, probe: async () => ({ ready: ++r.looks >= n }) };
  return r;
}

describe("waitFor", () => {
  it("looks until the condition holds, and no further", async () => {
    const r = readyAfter(3);
    expect(await waitFor(r, { timeoutMs: 1000 })).toBe(true);
    expect(r.looks).toBe(3);
  });

  it("times out naming what it waited for", async () => {
    const never = condition("the moon", async () => false, 5);
    const started = Date.now();
    const err = await waitFor(never, { timeoutMs: 60 }).catch((e: unknown) => e);
    expect(isStackError(err) && err.code).toBe("E_WAIT_TIMEOUT");
    expect(String((err as Error).message)).toContain("the moon");
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("an abort ends the wait at once with false", async () => {
    const controller = new AbortController();
    const never = condition("never", async () => false, 10_000);
    const waiting = waitFor(never, { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect(await waiting).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("combinators", () => {
  it("allOf waits for every part and stops looking at the parts already ready", async () => {
    const a = readyAfter(1, "a");
    const b = readyAfter(4, "b");
    expect(await waitFor(allOf(a, b), { timeoutMs: 1000 })).toBe(true);
    expect(a.looks).toBe(1);
    expect(b.looks).toBe(4);
  });

  it("allOf's timeout names the part that was not ready", async () => {
    const err = await waitFor(allOf(readyAfter(1, "db"), condition("api", async () => false, 5)), { timeoutMs: 50 }).catch((e: Error) => e);
    expect((err as Error).message).toContain("api");
  });

  it("firstOf is ready with its first ready part; a failure of any part ends it", async () => {
    expect(await waitFor(firstOf(condition("never", async () => false, 5), readyAfter(2)), { timeoutMs: 1000 })).toBe(true);
    const engine = new FakeEngine();
    const c = engine.add({ project: "p", service: "api", state: "exited", exitCode: 3, logLines: ["Traceback", "SyntaxError"] });
    const err = await waitFor(firstOf(condition("never", async () => false, 5), containerHealthy(engine, c.id)), { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(isStackError(err) && err.code).toBe("E_UNHEALTHY");
  });
});

describe("containerHealthy", () => {
  it("is ready when running and healthy, or running without a healthcheck", async () => {
    const engine = new FakeEngine();
    const plain = engine.add({ project: "p", service: "a" });
    const checked = engine.add({ project: "p", service: "b", health: "starting" });
    expect(await waitFor(containerHealthy(engine, plain.id), { timeoutMs: 100 })).toBe(true);
    setTimeout(() => engine.set(checked.id, { health: "healthy" }), 40);
    expect(await waitFor(containerHealthy(engine, checked.id), { timeoutMs: 2000 })).toBe(true);
  });

  it("an exit fails at once with the exit code, health checks and last log lines", async () => {
    const engine = new FakeEngine();
    const c = engine.add({ project: "p", service: "api", state: "exited", exitCode: 1, healthLog: ["curl: (7) refused"], logLines: ["boom"] });
    const started = Date.now();
    const err = await waitFor(containerHealthy(engine, c.id), { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(isStackError(err)).toBe(true);
    if (!isStackError(err)) return;
    expect(err.message).toBe("api exited with code 1");
    expect(err.details).toEqual(["last health checks:", "  curl: (7) refused", "last log lines:", "  boom"]);
  });

  it("unhealthy is final too; a timeout says the state it was left in", async () => {
    const engine = new FakeEngine();
    const sick = engine.add({ project: "p", service: "db", health: "unhealthy" });
    await expect(waitFor(containerHealthy(engine, sick.id), { timeoutMs: 1000 })).rejects.toThrow("db is unhealthy");
    const slow = engine.add({ project: "p", service: "slow", health: "starting" });
    await expect(waitFor(containerHealthy(engine, slow.id), { timeoutMs: 60 })).rejects.toThrow(/slow was not healthy within 0 s \(running, starting\)/);
  });
});

describe("portAnswers", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("a TCP accept alone is not an answer; a reply is, HTTP or not", async () => {
    // Accepts and hangs up at once, like Docker's port proxy with nothing listening behind it.
    server = createServer((s) => s.destroy()).listen(0, "127.0.0.1");
    await new Promise((r) => server!.once("listening", r));
    const port = (server.address() as { port: number }).port;
    await expect(waitFor(portAnswers(port), { timeoutMs: 150 })).rejects.toThrow("answering");
    server.close();
    server = createServer((s) => s.end("SSH-2.0-hello\r\n")).listen(port, "127.0.0.1");
    await new Promise((r) => server!.once("listening", r));
    expect(await waitFor(portAnswers(port), { timeoutMs: 2000 })).toBe(true);
  });
});

describe("lookAt", () => {
  it("tells an answer from a port not served yet (refused, or accepted and hung up)", async () => {
    const answering = createServer((s) => s.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")).listen(0, "127.0.0.1");
    const hangingUp = createServer((s) => s.destroy()).listen(0, "127.0.0.1");
    await Promise.all([answering, hangingUp].map((s) => new Promise((r) => s.once("listening", r))));
    const portOf = (s: Server) => (s.address() as { port: number }).port;
    try {
      expect(await lookAt("127.0.0.1", portOf(answering))).toBe("answers");
      expect(await lookAt("127.0.0.1", portOf(hangingUp))).toBe("not-yet");
      const closed = portOf(hangingUp);
      await new Promise((r) => hangingUp.close(r));
      expect(await lookAt("127.0.0.1", closed)).toBe("not-yet");
    } finally {
      answering.close();
      hangingUp.close();
    }
  }, 10_000);
});

describe("lookOfError", () => {
  it("no connection at all (timed out, no route) is out of reach; refused, reset or connected is not yet; not HTTP is an answer", () => {
    for (const code of [undefined, "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT"]) expect(lookOfError(code, false)).toBe("unreachable");
    expect(lookOfError(undefined, true)).toBe("not-yet");
    for (const code of ["ECONNREFUSED", "ECONNRESET"]) expect(lookOfError(code, false)).toBe("not-yet");
    expect(lookOfError("HPE_INVALID_CONSTANT", true)).toBe("answers");
  });
});

describe("failuresOf", () => {
  it("is never ready by itself, but passes a failure on", async () => {
    const engine = new FakeEngine();
    const running = engine.add({ project: "p", service: "api" });
    await expect(waitFor(failuresOf(containerHealthy(engine, running.id)), { timeoutMs: 80 })).rejects.toThrow(/not healthy within|healthy/);
    const exited = engine.add({ project: "p", service: "web", state: "exited", exitCode: 2 });
    await expect(waitFor(failuresOf(containerHealthy(engine, exited.id)), { timeoutMs: 5000 })).rejects.toThrow("web exited with code 2");
  });
});

describe("backingOff", () => {
  it("looks at once, then ever further apart up to maxMs, answering not ready in between", async () => {
    let t = 0;
    const looks: number[] = [];
    const part: Readiness = { what: "slow", intervalMs: 100, probe: async () => (looks.push(t), { ready: false }) };
    const paced = backingOff(part, { maxMs: 300, factor: 2, now: () => t });
    for (t = 0; t <= 1500; t += 10) await paced.probe();
    expect(looks).toEqual([0, 100, 300, 600, 900, 1200, 1500]);
  });

  it("beside a fast part in firstOf, the slow one is not run back to back", async () => {
    const slow = readyAfter(1000, "healthcheck");
    const started = Date.now();
    await waitFor(firstOf(readyAfter(30, "port"), backingOff({ ...slow, intervalMs: 50, probe: slow.probe }, { maxMs: 200 })), { timeoutMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(slow.looks).toBeLessThan(5);
  });
});
