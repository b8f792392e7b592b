import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import type { Plan, PlannedFile } from "./plan.js";
import { flushPlan } from "./flush-plan.js";

const project = (files: Record<string, string> = {}) => {
  const root = mkdtempSync(join(tmpdir(), "flush-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
};
const file = (path: string, content: string, action: PlannedFile["action"], mode?: number): PlannedFile => ({ path, content, owner: "generated", action, mode });
const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");

describe("flushPlan writes what the plan changes, and only that", () => {
  it("regenerated (update) files are written over the old ones; created files appear", async () => {
    const root = project({ "compose.yaml": "old compose\n", "proxy/nginx/default.conf": "old conf\n" });
    const written = await flushPlan({
      root,
      notes: [],
      files: [file("compose.yaml", "new compose\n", "update"), file("proxy/nginx/default.conf", "new conf\n", "update"), file("compose.dev.yaml", "dev\n", "create")],
    });
    expect(written).toEqual(["compose.yaml", "proxy/nginx/default.conf", "compose.dev.yaml"]);
    expect(read(root, "compose.yaml")).toBe("new compose\n");
    expect(read(root, "proxy/nginx/default.conf")).toBe("new conf\n");
    expect(read(root, "compose.dev.yaml")).toBe("dev\n");
  });

  it("unchanged, skipped and conflicting files are left exactly as they are", async () => {
    const root = project({ "app.py": "mine\n", "compose.yaml": "hand-edited\n", "same.txt": "same\n" });
    const written = await flushPlan({
      root,
      notes: [],
      files: [file("app.py", "starter\n", "skip"), file("compose.yaml", "generated\n", "conflict"), file("same.txt", "same\n", "unchanged")],
    });
    expect(written).toEqual([]);
    expect(read(root, "app.py")).toBe("mine\n");
    expect(read(root, "compose.yaml")).toBe("hand-edited\n");
    expect(readdirSync(root).sort()).toEqual(["app.py", "compose.yaml", "same.txt"]);
  });

  it("files get 0644 unless the plan says otherwise; a mode is applied even over an existing file", async () => {
    const root = project({ ".env": "OLD=1\n" });
    chmodSync(join(root, ".env"), 0o644);
    await flushPlan({ root, notes: [], files: [file("a.txt", "a", "create"), file(".env", "NEW=1\n", "update", 0o600), file("run.sh", "#!/bin/sh\n", "create", 0o755)] });
    expect(statSync(join(root, "a.txt")).mode & 0o777).toBe(0o644);
    expect(statSync(join(root, ".env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "run.sh")).mode & 0o777).toBe(0o755);
    expect(read(root, ".env")).toBe("NEW=1\n");
  });

  it("an explicit mode is exact, even one the umask would filter", async () => {
    const root = project();
    await flushPlan({ root, notes: [], files: [file("shared.txt", "s", "create", 0o664), file("tool.sh", "x", "create", 0o775)] });
    expect(statSync(join(root, "shared.txt")).mode & 0o777).toBe(0o664);
    expect(statSync(join(root, "tool.sh")).mode & 0o777).toBe(0o775);
  });

  it("whatever the umask, a file is never writable by others, and an explicit mode is exact", () => {
    const root = project();
    flushUnderUmask(0o000, { root, notes: [], files: [file("a.txt", "a", "create"), file("run.sh", "x", "create", 0o755)] });
    expect(statSync(join(root, "a.txt")).mode & 0o777).toBe(0o644);
    expect(statSync(join(root, "run.sh")).mode & 0o777).toBe(0o755);
    flushUnderUmask(0o077, { root, notes: [], files: [file("b.txt", "b", "create"), file("run2.sh", "x", "create", 0o755), file(".env", "S=1", "create", 0o600)] });
    expect(statSync(join(root, "b.txt")).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "run2.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(join(root, ".env")).mode & 0o777).toBe(0o600);
  });

  it("a failure leaves no temp file and no half-written project, and says what to check", async () => {
    const root = project({ "compose.yaml": "old\n", "blocked": "a file where a folder must go" });
    const err = await flushPlan({
      root,
      notes: [],
      files: [file("compose.yaml", "new\n", "update"), file("sub/new.txt", "x", "create"), file("blocked/inner.txt", "2", "create")],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "E_WRITE", exitCode: 1, hint: expect.stringContaining("nothing was changed") });
    expect((err as Error).message).toMatch(/^could not write the project: .*blocked/);
    expect(read(root, "compose.yaml")).toBe("old\n");
    // Nothing of the plan landed, and no temp file or state folder is left behind.
    expect(existsSync(join(root, "sub/new.txt"))).toBe(false);
    expect(readdirSync(root).filter((e) => e !== "sub").sort()).toEqual(["blocked", "compose.yaml"]);
  });

  it("a watcher of the project sees .env first and stack.yaml last, after every other file and delete", async () => {
    // dev up applies stack.yaml as soon as it changes: what it refers to must be in place by then.
    const root = project({ "stack.yaml": "v1\n", ".env": "A=1\n", "old.txt": "old\n", "b.txt": "b1\n" });
    const seen: string[] = [];
    const { watch } = await import("node:fs");
    const w = watch(root, (_e, name) => name && !String(name).startsWith(".create-stack") && !seen.includes(String(name)) && seen.push(String(name)));
    const wanted = ["stack.yaml", "a.txt", "old.txt", ".env", "b.txt"];
    await flushPlan({
      root,
      notes: [],
      files: [file("stack.yaml", "v2\n", "update"), file("a.txt", "a\n", "create"), file("old.txt", "", "delete"), file(".env", "A=2\n", "update"), file("b.txt", "b2\n", "update")],
    });
    for (let i = 0; i < 500 && !wanted.every((n) => seen.includes(n)); i++) await new Promise((r) => setTimeout(r, 10));
    w.close();
    expect(seen).toEqual([".env", "a.txt", "b.txt", "old.txt", "stack.yaml"]);
  });

  it("a plan with nothing to write touches nothing, not even the project folder", async () => {
    const root = join(project(), "not-yet");
    expect(await flushPlan({ root, notes: [], files: [file("app.py", "x", "skip"), file("same.txt", "same\n", "unchanged")] })).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it("temp files are written in the git-ignored state folder, never beside their target", async () => {
    const root = project();
    const seen: string[] = [];
    const { watch } = await import("node:fs");
    mkdirSync(join(root, "deep"));
    const w = watch(join(root, "deep"), (_e, name) => name && seen.push(String(name)));
    await flushPlan({ root, notes: [], files: [file("deep/x.yaml", "x", "create")] });
    for (let i = 0; i < 200 && !seen.includes("x.yaml"); i++) await new Promise((r) => setTimeout(r, 10));
    w.close();
    expect(existsSync(join(root, "deep/x.yaml"))).toBe(true);
    // The folder of the target only ever sees the file itself appear (a rename into place).
    expect([...new Set(seen)], seen.join(" ")).toEqual(["x.yaml"]);
  });
});

/**
 * Flushes a plan in a process of its own started under the given umask: a worker thread (where
 * mutation testing runs the tests) cannot set one, and a umask is a process's, not a test's.
 */
function flushUnderUmask(mask: number, plan: Plan): void {
  const bundle = join(mkdtempSync(join(tmpdir(), "flush-umask-")), "flush-plan.mjs");
  const source = new URL("./flush-plan.ts", import.meta.url);
  // import.meta.url as in the source, so the bundle finds the package's files as the source does.
  buildSync({ entryPoints: [fileURLToPath(source)], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "error", define: { "import.meta.url": JSON.stringify(source.href) } });
  const script = `const { flushPlan } = await import(process.argv[1]); await flushPlan(JSON.parse(process.argv[2]));`;
  const res = spawnSync("sh", ["-c", `umask ${mask.toString(8).padStart(3, "0")} && exec "$0" --input-type=module -e "$1" "$2" "$3"`, process.execPath, script, bundle, JSON.stringify(plan)], { encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
}
