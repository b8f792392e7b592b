import { mkdirSync, mkdtempSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startWatcher, type FileChange, type Watcher } from "./watcher.js";

const open: Watcher[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

async function watch(root: string, poll: boolean, ignore: string[] = []): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  open.push(await startWatcher({ root, ignore, onChanges: (c) => changes.push(...c), poll, pollIntervalMs: 30 }));
  return changes;
}

async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const project = () => {
  const root = mkdtempSync(join(tmpdir(), "poll-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src", "a.py"), "12345");
  return root;
};

describe("polling watcher", () => {
  it("notices a change of mtime alone, of size alone, and of inode alone (a save by rename)", async () => {
    const root = project();
    const T = 1_700_000_000;
    for (const f of ["a.py", "b.py", "c.py"]) {
      writeFileSync(join(root, "src", f), "12345");
      utimesSync(join(root, "src", f), T, T);
    }
    const changes = await watch(root, true);
    const seen = (path: string) => until(() => changes.some((c) => c.path === path), path);

    utimesSync(join(root, "src", "a.py"), T + 60, T + 60);
    await seen("src/a.py");

    writeFileSync(join(root, "src", "b.py"), "123456789");
    utimesSync(join(root, "src", "b.py"), T, T);
    await seen("src/b.py");

    writeFileSync(join(root, "src", ".c.tmp"), "abcde");
    utimesSync(join(root, "src", ".c.tmp"), T, T);
    renameSync(join(root, "src", ".c.tmp"), join(root, "src", "c.py"));
    await seen("src/c.py");
    expect(changes.filter((c) => c.path.endsWith(".py"))).toEqual([
      { path: "src/a.py", kind: "update" },
      { path: "src/b.py", kind: "update" },
      { path: "src/c.py", kind: "update" },
    ]);
  });

  it("skips ignored folders without reading them, and reports files in new folders", async () => {
    const root = project();
    const changes = await watch(root, true, ["**/node_modules/**", "build/**"]);
    mkdirSync(join(root, "web", "node_modules", "x"), { recursive: true });
    writeFileSync(join(root, "web", "node_modules", "x", "i.js"), "x");
    mkdirSync(join(root, "build"));
    writeFileSync(join(root, "build", "out.js"), "x");
    mkdirSync(join(root, "gen", "deep"), { recursive: true });
    writeFileSync(join(root, "gen", "deep", "m.py"), "x");
    await until(() => changes.some((c) => c.path === "gen/deep/m.py"), "the new folder's file");
    expect(changes).toEqual([{ path: "gen/deep/m.py", kind: "create" }]);
  });

  it("after close() nothing more is reported (a second watcher sees the change that the closed one must not)", async () => {
    const root = project();
    const closed = await watch(root, true);
    await open[0]!.close();
    const live = await watch(root, true);
    writeFileSync(join(root, "src", "new.py"), "x");
    await until(() => live.length > 0, "the live watcher");
    // The live watcher polls at the same interval: two of its rounds are more than one of the closed one's.
    const seen = live.length;
    writeFileSync(join(root, "src", "second.py"), "x");
    await until(() => live.length > seen, "a second round");
    expect(closed).toEqual([]);
  });

  it("a pass that finds nothing new reports nothing; the interval asked for is the one used", async () => {
    const root = project();
    const batches: FileChange[][] = [];
    open.push(await startWatcher({ root, ignore: [], onChanges: (c) => batches.push(c), poll: true, pollIntervalMs: 20 }));
    const started = Date.now();
    // Several quiet passes go by (20 ms each) before the save, and none of them reports.
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(join(root, "src", "new.py"), "x");
    await until(() => batches.length > 0, "the save");
    // Far sooner than the default second after the watch began: the 20 ms interval was honoured
    // from the first pass on.
    expect(Date.now() - started).toBeLessThan(900);
    expect(batches).toEqual([[{ path: "src/new.py", kind: "create" }]]);
    // Five saves 100 ms apart: at a 20 ms interval most are seen in passes of their own; at the
    // default second all five would fall into two passes at most.
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(root, "src", `s${i}.py`), "x");
      await new Promise((r) => setTimeout(r, 100));
    }
    await until(() => batches.flat().some((c) => c.path === "src/s4.py"), "the fifth save");
    expect(batches.length - 1).toBeGreaterThanOrEqual(3);
  });

  it("a pass over a big tree lets other work run between chunks (dev up's restarts are not held up)", async () => {
    const root = project();
    for (let i = 0; i < 4500; i++) writeFileSync(join(root, "src", `f${i}.py`), "");
    let watching = false;
    let ranDuringScan = false;
    setImmediate(() => (ranDuringScan = !watching));
    open.push(await startWatcher({ root, ignore: [], onChanges: () => undefined, poll: true }));
    watching = true;
    expect(ranDuringScan).toBe(true);
  });

  it("the native watcher reports in the same form", async () => {
    const root = project();
    const changes = await watch(root, false, ["**/*.log"]);
    expect(open[0]!.backend).toBe("native");
    writeFileSync(join(root, "x.log"), "x");
    writeFileSync(join(root, "src", "a.py"), "changed");
    await until(() => changes.some((c) => c.path === "src/a.py"), "the native event");
    expect(changes.filter((c) => c.path.endsWith(".log"))).toEqual([]);
    expect(changes.find((c) => c.path === "src/a.py")!.kind).toBe("update");
  });

  it("CREATE_STACK_POLL=1 chooses polling", async () => {
    process.env.CREATE_STACK_POLL = "1";
    try {
      await watch(project(), false);
      expect(open[0]!.backend).toBe("polling");
    } finally {
      delete process.env.CREATE_STACK_POLL;
    }
  });
});
