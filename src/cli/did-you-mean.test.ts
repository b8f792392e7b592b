import { describe, expect, it } from "vitest";
import { closest } from "../errors/closest-name.js";
import { suggestOptions } from "./did-you-mean.js";

describe("did you mean", () => {
  it("finds a close option name, not a far one", () => {
    expect(closest("foll", ["follow", "tail"])).toBe("follow");
    expect(closest("volumse", ["volumes", "rmi"])).toBe("volumes");
    expect(closest("xyz", ["follow", "tail"])).toBeUndefined();
  });

  it("adds the suggestion to yargs' message", () => {
    expect(suggestOptions("Unknown argument: voluems", ["volumes", "rmi", "C", "dir"])).toBe("Unknown argument: voluems (--voluems: did you mean --volumes?)");
    expect(suggestOptions("Unknown arguments: prest, zzz", ["preset", "proxy"])).toMatch(/--prest: did you mean --preset\?/);
    expect(suggestOptions("Not enough arguments", ["x"])).toBe("Not enough arguments");
  });
});
