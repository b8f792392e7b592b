import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

async function watch(poll: boolean): Promise<{ root: string; changes: FileChange[]; backend: string }> {
  const root = mkdtempSync(join(tmpdir(), "watch-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "src", "gone.py"), "x");
  writeFileSync(join(root, "src", "kept.py"), "before");
  const changes: FileChange[] = [];
  watcher = await startWatcher({ root, ignore: [...DEFAULT_IGNORES, "**/*.log"], onChanges: (c) => changes.push(...c), poll, pollIntervalMs: 50 });
  // The native backend needs a moment before its first events; polling compares with its first scan.
  await new Promise((r) => setTimeout(r, 100));
  return { root, changes, backend: watcher.backend };
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
      const kinds = (c: FileChange[]) => new Map(c.map((x) => [x.path, x.kind]));
      await until(changes, (c) => kinds(c).has("src/app.py") && kinds(c).has("src/kept.py") && kinds(c).has("src/gone.py"));
      const seen = kinds(changes);
      expect(seen.get("src/app.py")).toBe("create");
      expect(seen.get("src/kept.py")).toBe("update");
      expect(seen.get("src/gone.py")).toBe("delete");
      expect([...seen.keys()].filter((p) => p.startsWith("node_modules") || p.endsWith(".log"))).toEqual([]);
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
