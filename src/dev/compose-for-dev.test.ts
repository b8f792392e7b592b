import { describe, expect, it } from "vitest";
import { devComposeEnv } from "./compose-for-dev.js";

describe("dev runs compose without the layers for plain compose (watch, start_interval)", () => {
  const listed = new Map([["COMPOSE_FILE", "compose.yaml:compose.dev.yaml:compose.start-interval.yaml:compose.watch.yaml"]]);

  it("takes them out of .env's list, through the environment (which compose reads first)", () => {
    expect(devComposeEnv({ PATH: "/bin" }, listed)).toEqual({ PATH: "/bin", COMPOSE_FILE: "compose.yaml:compose.dev.yaml" });
    expect(devComposeEnv({}, new Map([["COMPOSE_FILE", "compose.yaml:compose.start-interval.yaml"]])).COMPOSE_FILE).toBe("compose.yaml");
  });

  it("a COMPOSE_FILE in the environment wins, as it does for compose; its separator too", () => {
    expect(devComposeEnv({ COMPOSE_FILE: "a.yaml;compose.watch.yaml", COMPOSE_PATH_SEPARATOR: ";" }, listed).COMPOSE_FILE).toBe("a.yaml");
  });

  it("leaves the environment as it is where nothing lists them", () => {
    const env = { PATH: "/bin" };
    expect(devComposeEnv(env, new Map([["COMPOSE_FILE", "compose.yaml:compose.dev.yaml"]]))).toBe(env);
    expect(devComposeEnv(env, new Map())).toBe(env);
    expect(devComposeEnv(env, new Map([["COMPOSE_FILE", "compose.yaml:mine/compose.watch.yaml:mine/compose.start-interval.yaml"]]))).toBe(env);
  });
});
