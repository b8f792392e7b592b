import { describe, expect, it } from "vitest";
import { detectComposeSupport, honoursStartInterval, understandsWatchLayer } from "./compose-support.js";

const v2 = (version: string) => ({ kind: "v2" as const, version });

describe("plain compose and healthcheck.start_interval", () => {
  it("compose v2 from 2.24.0 on, on an engine with API 1.44 (Docker 25) or later", () => {
    expect(honoursStartInterval(v2("2.24.0"), "1.44")).toBe(true);
    expect(honoursStartInterval(v2("2.29.7"), "1.47")).toBe(true);
    expect(honoursStartInterval(v2("2.24.0-desktop.1"), "1.45")).toBe(true);
    expect(honoursStartInterval(v2("v2.30.3"), "1.44")).toBe(true);
    expect(honoursStartInterval(v2("3.0.0"), "2.0")).toBe(true);
  });

  it("not on an older engine: compose refuses the container there", () => {
    expect(honoursStartInterval(v2("2.29.7"), "1.43")).toBe(false);
    expect(honoursStartInterval(v2("2.29.7"), "1.41")).toBe(false);
    expect(honoursStartInterval(v2("2.29.7"), "1.9")).toBe(false);
  });

  it("not with compose v2 before 2.24 (ignores the key), nor docker-compose v1 (rejects it)", () => {
    expect(honoursStartInterval(v2("2.23.3"), "1.44")).toBe(false);
    expect(honoursStartInterval(v2("2.3.0"), "1.44")).toBe(false);
    expect(honoursStartInterval({ kind: "v1", version: "1.29.2" }, "1.44")).toBe(false);
  });

  it("a version it cannot read is too old", () => {
    expect(honoursStartInterval(v2("dev"), "1.44")).toBe(false);
    expect(honoursStartInterval(v2("2.24.0"), "")).toBe(false);
  });

  it("the watch layer: compose v2.24+ (develop.watch since 2.22, the !override tag since 2.24), whatever the engine", () => {
    expect(understandsWatchLayer(v2("2.24.0"))).toBe(true);
    expect(understandsWatchLayer(v2("2.26.1-4"))).toBe(true);
    expect(understandsWatchLayer(v2("2.23.3"))).toBe(false);
    expect(understandsWatchLayer(v2("2.22.0"))).toBe(false);
    expect(understandsWatchLayer({ kind: "v1", version: "1.29.2" })).toBe(false);
    expect(understandsWatchLayer(v2("dev"))).toBe(false);
  });

  it("on this machine: asks the compose CLI, then the engine only for compose v2; any failure is a no", async () => {
    const engine = (api: string) => {
      const e = { asked: 0, apiVersion: async () => (e.asked++, api) };
      return e;
    };
    const old = engine("1.44");
    expect(await detectComposeSupport(async () => ({ kind: "v1", version: "1.29.2" }), old)).toEqual({ startInterval: false, watch: false });
    expect(old.asked).toBe(0);
    expect(await detectComposeSupport(async () => v2("2.27.0"), engine("1.44"))).toEqual({ startInterval: true, watch: true });
    expect(await detectComposeSupport(async () => v2("2.27.0"), engine("1.41"))).toEqual({ startInterval: false, watch: true });
    expect(await detectComposeSupport(async () => Promise.reject(new Error("no compose")), engine("1.44"))).toEqual({ startInterval: false, watch: false });
    expect(await detectComposeSupport(async () => v2("2.27.0"), { apiVersion: () => Promise.reject(new Error("ECONNREFUSED")) })).toEqual({ startInterval: false, watch: false });
  });
});
