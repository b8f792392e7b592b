import { describe, expect, it } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import type { DevContext } from "./dev-context.js";
import { waitStackHealthy } from "./wait-stack.js";

function ctxWith(engine: FakeEngine): DevContext {
  const project = { root: "/nonexistent-project", services: [{ name: "postgres" }, { name: "cache" }], parsed: { config: { name: "p" } } };
  return { project, name: "p", engine, compose: async () => ({}) } as unknown as DevContext;
}

describe("dev start and dev build wait as dev up does (one readiness: readinessOf)", () => {
  it("a healthcheck command that passes is ready at once, before Docker's own health flips; no healthcheck: running", async () => {
    const engine = new FakeEngine();
    engine.add({ project: "p", service: "postgres", health: "starting", healthcheck: ["CMD-SHELL", "pg_isready"] });
    engine.add({ project: "p", service: "cache", health: "none" });
    const lines: string[] = [];
    const t0 = Date.now();
    await waitStackHealthy(ctxWith(engine), [], (l) => lines.push(l.trim()));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(engine.calls.filter((c) => c.method === "exec").map((c) => c.args)).toContainEqual(["/bin/sh", "-c", "pg_isready"]);
    expect(lines.map((l) => l.replace(/\s+\(.*/, ""))).toEqual(expect.arrayContaining(["postgres       healthy", "cache          running"]));
  });

  it("a container that turns unhealthy ends the wait with an error, whatever the probe says", async () => {
    const engine = new FakeEngine();
    engine.add({ project: "p", service: "postgres", health: "unhealthy", healthcheck: ["CMD-SHELL", "pg_isready"] });
    engine.execResult = () => ({ exitCode: 1, output: "" });
    await expect(waitStackHealthy(ctxWith(engine), ["postgres"], () => undefined)).rejects.toThrow();
  });
});
