import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The folders of src/, top to bottom. A folder may import from its own tier and the tiers below
 * it, never from above: the pure core (stack, presets, plan, render) stays free of the CLI and the
 * engine, and no two folders import each other.
 */
export const LAYERS: string[][] = [
  ["cli"],
  ["commands"],
  ["dashboard"],
  ["dev", "edit", "create", "deploy", "lint", "adopt"],
  ["export"],
  ["plan"],
  ["render"],
  ["stack"],
  ["compose"],
  ["presets"],
  ["wait"],
  ["fs", "engine", "watch", "errors", "tls"],
];

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

function folderOf(file: string): string {
  return relative(SRC, file).split("/")[0]!;
}

/** Every import of another src folder: [from folder, to folder, file]. */
function crossImports(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = join(file, "..", m[1]!);
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to && !relative(SRC, target).startsWith("..")) out.push([from, to, relative(SRC, file)]);
    }
  }
  return out;
}

const tierOf = (folder: string) => LAYERS.findIndex((tier) => tier.includes(folder));

describe("source layout", () => {
  it("every folder of src/ has a place in the layering", () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => tierOf(f) < 0)).toEqual([]);
  });

  it("folders import only downward (or within their own tier, without cycles)", () => {
    const imports = crossImports();
    const upward = imports.filter(([from, to]) => tierOf(to) < tierOf(from)).map(([from, to, file]) => `${file}: ${from} -> ${to}`);
    expect(upward).toEqual([]);
    const pairs = new Set(imports.map(([from, to]) => `${from}>${to}`));
    const mutual = [...pairs].filter((p) => pairs.has(p.split(">").reverse().join(">")));
    expect(mutual).toEqual([]);
  });
});

describe("one way to do a thing", () => {
  it("images are built in one place (dev/build-images.ts), which records what each was built from", () => {
    const builders = sourceFiles(SRC).filter((file) => /\bcomposeBuildArgs\(/.test(readFileSync(file, "utf8")) && !file.endsWith("dev-context.ts"));
    expect(builders.map((file) => relative(SRC, file))).toEqual(["dev/build-images.ts"]);
  });

  it("what ready means for a container is said in one place (dev/readiness-of.ts), for starts and restarts alike", () => {
    const deciders = sourceFiles(SRC).filter((file) => !file.includes("/wait/") && /\b(portAnswers|portListening|containerHealthy)\(/.test(readFileSync(file, "utf8")));
    // restart-service.ts asks Docker once more only for why a reload's stream ended (its logs).
    expect(deciders.map((file) => relative(SRC, file)).sort()).toEqual(["dev/readiness-of.ts", "dev/restart/restart-service.ts"]);
  });
});
