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

async function collect(poll: boolean, act: (root: string) => void): Promise<{ changes: FileChange[]; backend: string }> {
  const root = mkdtempSync(join(tmpdir(), "watch-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "src", "gone.py"), "x");
  const changes: FileChange[] = [];
  watcher = await startWatcher({ root, ignore: [...DEFAULT_IGNORES, "**/*.log"], onChanges: (c) => changes.push(...c), poll, pollIntervalMs: 50 });
  await new Promise((r) => setTimeout(r, 100));
  act(root);
  await new Promise((r) => setTimeout(r, poll ? 400 : 300));
  return { changes, backend: watcher.backend };
}

for (const poll of [false, true]) {
  describe(poll ? "polling watcher" : "native watcher", () => {
    it("reports creates, updates and deletes as root-relative paths, and skips ignored ones", async () => {
      const { changes, backend } = await collect(poll, (root) => {
        writeFileSync(join(root, "src", "app.py"), "print(1)");
        rmSync(join(root, "src", "gone.py"));
        writeFileSync(join(root, "node_modules", "dep.js"), "x");
        writeFileSync(join(root, "debug.log"), "x");
      });
      expect(backend).toBe(poll ? "polling" : "native");
      const paths = new Set(changes.map((c) => c.path));
      expect(paths.has("src/app.py")).toBe(true);
      expect(changes.find((c) => c.path === "src/gone.py")?.kind).toBe("delete");
      expect([...paths].some((p) => p.startsWith("node_modules") || p.endsWith(".log"))).toBe(false);
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
