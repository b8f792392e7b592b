import { execFileSync, spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CREATE_STACK_CLI, DEV_CLI, ROOT } from "../support/built-cli.js";

interface PackEntry {
  path: string;
  size: number;
}
interface PackResult {
  size: number;
  unpackedSize: number;
  files: PackEntry[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(posix.join(dir, e.name)) : [posix.join(dir, e.name)],
  );
}

let pack: PackResult;
let listed: Set<string>;
beforeAll(() => {
  // The unit set-up built dist/; --ignore-scripts keeps `prepare` from building it again.
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  pack = (JSON.parse(out) as PackResult[])[0]!;
  listed = new Set(pack.files.map((f) => f.path));
}, 60_000);

describe("the published package (npm pack)", () => {
  it("holds both bins, README, LICENSE, every preset, template and schema", () => {
    for (const bin of Object.values(pkg.bin)) expect(listed, bin).toContain(posix.normalize(bin));
    expect(Object.keys(pkg.bin).sort()).toEqual(["create-stack", "dev"]);
    for (const file of ["package.json", "README.md", "LICENSE", "schema/stack.schema.json", "schema/preset.schema.json"]) expect(listed, file).toContain(file);
    const assets = [...filesUnder("presets"), ...filesUnder("templates")];
    expect(assets.length).toBeGreaterThan(20);
    expect(assets.filter((f) => !listed.has(f))).toEqual([]);
  });

  it("holds every chunk the bins import, so a command never misses a module", () => {
    const shipped = [...listed].filter((f) => f.endsWith(".js"));
    const missing: string[] = [];
    for (const file of shipped) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)) {
        const target = posix.join(posix.dirname(file), m[1]!);
        if (!listed.has(target)) missing.push(`${file} -> ${target}`);
      }
    }
    expect(shipped.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it("holds nothing of the sources, tests, benchmarks, fixtures, examples or source maps", () => {
    const forbidden = [...listed].filter(
      (f) =>
        /^(src|test|bench|fixtures|examples|scripts|reports|coverage|node_modules|\.ci|\.create-stack|\.bench|\.stryker-tmp[^/]*)\//.test(f) ||
        /(^|\/)\.create-stack(\/|$)/.test(f) ||
        /\.test\.|\.map$|\.ts$|^tsconfig|^vitest|^stryker|\.log$/.test(f) ||
        // dist/ holds the bundle only: the per-module build is for the benchmarks and scripts.
        (f.startsWith("dist/") && !f.startsWith("dist/bin/")),
    );
    expect(forbidden).toEqual([]);
  });

  it("stays small: under 550 kB packed, 2.75 MB unpacked", () => {
    expect(pack.size).toBeLessThan(550_000);
    expect(pack.unpackedSize).toBeLessThan(2_750_000);
  });

  it("needs at run time only its dependencies, and every dependency is used", () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const code = [...listed].filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(ROOT, f), "utf8")).join("\n");
    const packageOf = (spec: string) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
    // import, import(), require(), require.resolve() (where a bundled dependency's own
    // dependencies are looked up) and a createRequire()'s load() of a bare name.
    const bare = new Set([...code.matchAll(/(?:\bfrom|\bimport\(|require\(|require\.resolve\(|\bload\()\s*"(@?[a-z0-9][\w.@/-]*)"/g)].map((m) => m[1]!).filter((s) => !builtins.has(s)).map(packageOf));
    expect([...bare].filter((p) => !(p in pkg.dependencies)).sort()).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((d) => !bare.has(d)).sort()).toEqual([]);
  });
});

describe("the bins on a Node older than engines", () => {
  // The version is faked by a preload given to this test's node only; the bins read process.versions.
  const preload = join(mkdtempSync(join(tmpdir(), "create-stack-node-")), "old-node.mjs");
  beforeAll(() => writeFileSync(preload, 'Object.defineProperty(process.versions, "node", { value: "18.20.8" });\n'));

  it.each([
    ["create-stack", CREATE_STACK_CLI, ["my-app", "--yes"]],
    ["dev", DEV_CLI, ["up"]],
  ])("%s says which Node it needs, exits 1 and writes nothing", (_name, cli, args) => {
    const cwd = mkdtempSync(join(tmpdir(), "create-stack-node-"));
    const res = spawnSync("node", ["--import", preload, cli, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/^create-stack needs Node 20\.19 or newer \(this is 18\.20\.8\); install a current Node/);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("runs as usual on this Node", () => {
    const res = spawnSync("node", [DEV_CLI, "--version"], { encoding: "utf8", timeout: 30_000 });
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});

