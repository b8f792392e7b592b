import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { devCommand, NPX_DEV } from "./dev-command.js";

function layout() {
  const root = mkdtempSync(join(tmpdir(), "cs-dev-command-"));
  const own = join(root, "pkg/dist/bin/dev.js");
  mkdirSync(join(root, "pkg/dist/bin"), { recursive: true });
  writeFileSync(own, "");
  const dir = (name: string, target?: string) => {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    if (target) symlinkSync(target, join(d, "dev"));
    return d;
  };
  const other = join(root, "other-dev.js");
  writeFileSync(other, "");
  return { own, dir, other };
}

describe("devCommand", () => {
  it("is dev when the first dev on PATH is this package's (global install, npm link)", () => {
    const { own, dir } = layout();
    expect(devCommand([dir("empty"), dir("global/bin", own)].join(delimiter), own)).toBe("dev");
  });

  it("goes through npx when no dev is on PATH", () => {
    const { own, dir } = layout();
    expect(devCommand([dir("a"), dir("b"), "", join(dir("a"), "missing")].join(delimiter), own)).toBe(NPX_DEV);
    expect(devCommand("", own)).toBe(NPX_DEV);
  });

  it("goes through npx when another dev comes first on PATH, even with ours after it", () => {
    const { own, dir, other } = layout();
    expect(devCommand([dir("x/bin", other), dir("global/bin", own)].join(delimiter), own)).toBe(NPX_DEV);
  });

  it("does not count npx's own folder, which is on PATH only while npx runs", () => {
    const { own, dir } = layout();
    expect(devCommand(dir("cache/_npx/1a2b/node_modules/.bin", own), own)).toBe(NPX_DEV);
    expect(devCommand([dir("cache2/_npx/3c4d/node_modules/.bin", own), dir("global/bin", own)].join(delimiter), own)).toBe("dev");
  });
});
