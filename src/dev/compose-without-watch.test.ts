import { describe, expect, it } from "vitest";
import { withoutWatchLayer } from "./compose-without-watch.js";

describe("dev runs compose without compose.watch.yaml", () => {
  const listed = new Map([["COMPOSE_FILE", "compose.yaml:compose.dev.yaml:compose.start-interval.yaml:compose.watch.yaml"]]);

  it("takes it out of .env's list, through the environment (which compose reads first)", () => {
    expect(withoutWatchLayer({ PATH: "/bin" }, listed)).toEqual({ PATH: "/bin", COMPOSE_FILE: "compose.yaml:compose.dev.yaml:compose.start-interval.yaml" });
  });

  it("a COMPOSE_FILE in the environment wins, as it does for compose; its separator too", () => {
    expect(withoutWatchLayer({ COMPOSE_FILE: "a.yaml;compose.watch.yaml", COMPOSE_PATH_SEPARATOR: ";" }, listed).COMPOSE_FILE).toBe("a.yaml");
  });

  it("leaves the environment as it is where nothing lists it", () => {
    const env = { PATH: "/bin" };
    expect(withoutWatchLayer(env, new Map([["COMPOSE_FILE", "compose.yaml:compose.dev.yaml"]]))).toBe(env);
    expect(withoutWatchLayer(env, new Map())).toBe(env);
    expect(withoutWatchLayer(env, new Map([["COMPOSE_FILE", "compose.yaml:mine/compose.watch.yaml"]]))).toBe(env);
  });
});
