import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_IGNORES } from "./default-ignores.js";
import { gitignoreToGlobs } from "./read-gitignore.js";
import { ignoreMatcher } from "./glob.js";
import { startWatcher, type FileChange, type Watcher } from "./watcher.js";

let watcher: Watcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

/** Resolves once `done` holds for the changes seen so far; fails after `ms` saying what was seen. */
async function until(changes: FileChange[], done: (c: FileChange[]) => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done(changes)) {
    if (Date.now() > deadline) throw new Error(`watcher did not report the expected changes in ${ms} ms; saw ${JSON.stringify(changes)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function watch(poll: boolean): Promise<{ root: string; changes: FileChange[]; batches: number[]; backend: string }> {
  const root = mkdtempSync(join(tmpdir(), "watch-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "src", "gone.py"), "x");
  writeFileSync(join(root, "src", "kept.py"), "before");
  const changes: FileChange[] = [];
  /** The size of each report: an empty one is noise to every listener. */
  const batches: number[] = [];
  watcher = await startWatcher({ root, ignore: [...DEFAULT_IGNORES, "**/*.log"], onChanges: (c) => (batches.push(c.length), changes.push(...c)), poll, pollIntervalMs: 50 });
  // The native backend needs a moment before its first events; polling compares with its first scan.
  await new Promise((r) => setTimeout(r, 100));
  return { root, changes, batches, backend: watcher.backend };
}

for (const poll of [false, true]) {
  describe(poll ? "polling watcher" : "native watcher", () => {
    it("reports creates, updates and deletes as root-relative paths, and skips ignored ones", async () => {
      const { root, changes, backend } = await watch(poll);
      expect(backend).toBe(poll ? "polling" : "native");
      writeFileSync(join(root, "node_modules", "dep.js"), "x");
      writeFileSync(join(root, "debug.log"), "x");
      writeFileSync(join(root, "src", "app.py"), "print(1)");
      writeFileSync(join(root, "src", "kept.py"), "after, and longer");
      rmSync(join(root, "src", "gone.py"));
      // The ignored files were written first: once the later changes are seen, they would have been too.
      // The first kind reported per path: a new file's write may come as a create and then an
      // update in a later batch (seen on a busy machine), and it is still a new file.
      const kinds = (c: FileChange[]) => {
        const first = new Map<string, FileChange["kind"]>();
        for (const x of c) if (!first.has(x.path)) first.set(x.path, x.kind);
        return first;
      };
      await until(changes, (c) => kinds(c).has("src/app.py") && kinds(c).has("src/kept.py") && kinds(c).has("src/gone.py"));
      const seen = kinds(changes);
      expect(seen.get("src/app.py")).toBe("create");
      expect(seen.get("src/kept.py")).toBe("update");
      expect(seen.get("src/gone.py")).toBe("delete");
      expect([...seen.keys()].filter((p) => p.startsWith("node_modules") || p.endsWith(".log"))).toEqual([]);
    });

    it("a folder moved in whole (a checkout, an unpacked archive) is reported file by file, ignored ones left out", async () => {
      const { root, changes, batches } = await watch(poll);
      const outside = mkdtempSync(join(tmpdir(), "watch-outside-"));
      mkdirSync(join(outside, "pkg", "deep", "node_modules", "dep"), { recursive: true });
      writeFileSync(join(outside, "pkg", "a.py"), "a");
      writeFileSync(join(outside, "pkg", "deep", "b.py"), "b");
      writeFileSync(join(outside, "pkg", "deep", "trace.log"), "x");
      writeFileSync(join(outside, "pkg", "deep", "node_modules", "dep", "i.js"), "x");
      const seen = changes.length;
      renameSync(join(outside, "pkg"), join(root, "src", "pkg"));
      const files = ["src/pkg/a.py", "src/pkg/deep/b.py"];
      await until(changes, (c) => files.every((p) => c.some((x) => x.path === p)));
      // An empty folder has nothing to report but itself.
      mkdirSync(join(root, "src", "empty"));
      // One more save shows the watcher is past the move: nothing else of it comes later.
      await new Promise((r) => setTimeout(r, 150));
      writeFileSync(join(root, "src", "kept.py"), "after the move");
      await until(changes, (c) => c.some((x) => x.path === "src/kept.py"));
      const moved = changes.slice(seen).filter((c) => c.path !== "src/kept.py");
      // The folder itself may be named by the native backend; its files always are, as creates.
      expect(moved.filter((c) => c.path !== "src/pkg" && c.path !== "src/empty").map((c) => `${c.kind} ${c.path}`).sort()).toEqual(files.map((f) => `create ${f}`));
      expect(batches.filter((n) => n === 0)).toEqual([]);
    });

    it("a folder whose contents the ignore globs cover is skipped with its subfolders, at any depth", async () => {
      const root = mkdtempSync(join(tmpdir(), "watch-"));
      for (const dir of ["src", "gen", "web/cache"]) mkdirSync(join(root, dir), { recursive: true });
      const changes: FileChange[] = [];
      const batches: FileChange[][] = [];
      watcher = await startWatcher({ root, ignore: ["gen/*", "web/cache/*"], onChanges: (c) => (batches.push(c), changes.push(...c)), poll, pollIntervalMs: 50 });
      await new Promise((r) => setTimeout(r, 100));
      for (const dir of ["gen/sub", "web/cache/sub"]) mkdirSync(join(root, dir), { recursive: true });
      // Written once the new folders had time to be watched, if they were going to be.
      await new Promise((r) => setTimeout(r, 150));
      writeFileSync(join(root, "gen", "sub", "out.py"), "x");
      writeFileSync(join(root, "web", "cache", "sub", "page.html"), "x");
      writeFileSync(join(root, "src", "app.py"), "x");
      await until(changes, (c) => c.some((x) => x.path === "src/app.py"));
      // The ignored folders' files were written first: seen by now if they were going to be.
      expect(changes.filter((c) => !c.path.startsWith("src/"))).toEqual([]);
      expect(batches.every((b) => b.length > 0)).toBe(true);
    });

    it("reports the files of a folder that appears with files already in it", async () => {
      const { root, changes } = await watch(poll);
      mkdirSync(join(root, "src", "gen", "deep"), { recursive: true });
      writeFileSync(join(root, "src", "gen", "a.py"), "a");
      writeFileSync(join(root, "src", "gen", "deep", "b.py"), "b");
      await until(changes, (c) => ["src/gen/a.py", "src/gen/deep/b.py"].every((p) => c.some((x) => x.path === p)));
    });
  });
}

describe("ignore patterns", () => {
  it("turns .gitignore lines into globs that match what git ignores", () => {
    const match = ignoreMatcher(gitignoreToGlobs("# comment\n\n/build-out/\n*.tmp\ncache/\n!keep.tmp\ndocs/generated\n"));
    expect(match("build-out/x.js")).toBe(true);
    expect(match("sub/build-out/x.js")).toBe(false);
    expect(match("a/b/c.tmp")).toBe(true);
    expect(match("deep/cache/file")).toBe(true);
    expect(match("docs/generated/page.html")).toBe(true);
    expect(match("src/app.py")).toBe(false);
  });

  it("default ignores cover VCS, dependencies, caches and editor files", () => {
    const match = ignoreMatcher(DEFAULT_IGNORES);
    for (const p of [".git/HEAD", "services/api/__pycache__/a.pyc", "web/node_modules/x/index.js", ".venv/bin/python", "src/app.py.swp", "src/app.py~"]) expect(match(p), p).toBe(true);
    expect(match("services/api/app.py")).toBe(false);
  });
});
