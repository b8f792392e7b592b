import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flushPlan } from "../fs/flush-plan.js";
import type { PlannedFile } from "../fs/plan.js";
import { OWN_WRITE_WINDOW_MS, withoutOwnWrites } from "./own-writes.js";

const file = (path: string, content: string): PlannedFile => ({ path, content, owner: "starter", action: "create", base: null });
const created = (path: string) => [{ path, kind: "create" as const }];
const updated = (path: string) => [{ path, kind: "update" as const }];

describe("which changes the watcher takes for our own write", () => {
  it("a file our write just created is ours; the user's edit, and a revert to the scaffolded content after it, are changes", async () => {
    const root = mkdtempSync(join(tmpdir(), "own-writes-"));
    await flushPlan({ root, notes: [], files: [file("services/api/app.py", "print('hi')\n")] });
    const path = join(root, "services/api/app.py");
    expect(withoutOwnWrites(root, created("services/api/app.py"))).toEqual([]);
    // Only for the moments after the write: later, the same event is a change.
    expect(withoutOwnWrites(root, created("services/api/app.py"), Date.now() + OWN_WRITE_WINDOW_MS + 1000)).toEqual(created("services/api/app.py"));
    // File times tick in steps of a few milliseconds: a human's save is later than that.
    await new Promise((r) => setTimeout(r, 30));
    // The user edits it, then reverts (an undo, git checkout): both are saves to run.
    writeFileSync(path, "print('edited')\n");
    expect(withoutOwnWrites(root, updated("services/api/app.py"))).toEqual(updated("services/api/app.py"));
    writeFileSync(path, "print('hi')\n");
    expect(readFileSync(path, "utf8")).toBe("print('hi')\n");
    expect(withoutOwnWrites(root, updated("services/api/app.py"))).toEqual(updated("services/api/app.py"));
  });

  it("a revert by replacing the file (git checkout writes a new one) is a change too", async () => {
    const root = mkdtempSync(join(tmpdir(), "own-writes-"));
    await flushPlan({ root, notes: [], files: [file("app.py", "v1\n")] });
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(join(root, "app.py.new"), "v1\n");
    renameSync(join(root, "app.py.new"), join(root, "app.py"));
    expect(withoutOwnWrites(root, updated("app.py"))).toEqual(updated("app.py"));
  });

  it("files the write did not create, deletes, and a record of another kind are changes", async () => {
    const root = mkdtempSync(join(tmpdir(), "own-writes-"));
    await flushPlan({ root, notes: [], files: [file("a.py", "a\n")] });
    writeFileSync(join(root, "b.py"), "b\n");
    expect(withoutOwnWrites(root, created("b.py"))).toEqual(created("b.py"));
    expect(withoutOwnWrites(root, [{ path: "a.py", kind: "delete" }])).toEqual([{ path: "a.py", kind: "delete" }]);
    // A record in the earlier form (a content hash) matches nothing.
    writeFileSync(join(root, ".create-stack", "created.json"), JSON.stringify({ "a.py": "e3b0c442" }));
    expect(withoutOwnWrites(root, created("a.py"))).toEqual(created("a.py"));
  });
});
