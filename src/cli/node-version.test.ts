import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MIN_NODE, nodeVersionProblem } from "./node-version.js";

describe("nodeVersionProblem", () => {
  it.each(["20.19.0", "20.20.2", "v20.19.0", "21.0.0", "22.12.0", "24.1.0", "100.0.0"])("accepts %s", (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it.each(["20.18.3", "20.0.0", "18.20.8", "16.20.2", "v19.9.0", "14.8.0", "0.10.48"])("refuses %s, naming both versions", (version) => {
    const problem = nodeVersionProblem(version);
    expect(problem).toBe(
      `create-stack needs Node 20.19 or newer (this is ${version.replace(/^v/, "")}); install a current Node from https://nodejs.org or with your version manager (e.g. \`nvm install 22\`), then run it again`,
    );
  });

  it("compares numbers, not text (20.9 is older than 20.19, 20.100 is newer)", () => {
    expect(nodeVersionProblem("20.9.0")).toBeDefined();
    expect(nodeVersionProblem("20.100.0")).toBeUndefined();
    expect(nodeVersionProblem("3.0.0")).toBeDefined();
  });

  it("reads a pre-release by its numbers", () => {
    expect(nodeVersionProblem("20.19.0-rc.1")).toBeUndefined();
    expect(nodeVersionProblem("20.18.9-nightly")).toBeDefined();
  });

  it("says what package.json's engines says", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE.replace(/\.0$/, "")}`);
  });
});
