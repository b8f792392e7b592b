import { describe, expect, it } from "vitest";
import { splitPassthrough } from "./passthrough.js";

describe("splitPassthrough", () => {
  it("leaves a container command's flags to the container", () => {
    expect(splitPassthrough(["exec", "api", "ls", "-la"])).toEqual({ args: ["exec", "api"], rest: ["ls", "-la"] });
    expect(splitPassthrough(["-C", "app", "exec", "api", "--", "python", "-c", "1"])).toEqual({ args: ["-C", "app", "exec", "api"], rest: ["python", "-c", "1"] });
    expect(splitPassthrough(["exec", "-C", "app", "api", "sh"])).toEqual({ args: ["exec", "-C", "app", "api"], rest: ["sh"] });
    expect(splitPassthrough(["psql", "-c", "select 1"])).toEqual({ args: ["psql"], rest: ["-c", "select 1"] });
    expect(splitPassthrough(["run", "jumpbox", "bash"])).toEqual({ args: ["run", "jumpbox"], rest: ["bash"] });
  });

  it("leaves other commands and help alone", () => {
    expect(splitPassthrough(["logs", "-f", "api"])).toEqual({ args: ["logs", "-f", "api"], rest: [] });
    expect(splitPassthrough(["exec", "--help"])).toEqual({ args: ["exec", "--help"], rest: [] });
    expect(splitPassthrough([])).toEqual({ args: [], rest: [] });
  });
});
