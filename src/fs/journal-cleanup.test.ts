import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flushPlan } from "./flush-plan.js";
import { readCreated, recoverProject } from "./journal.js";
import type { PlannedFile } from "./plan.js";

const tmp = () => mkdtempSync(join(tmpdir(), "journal-"));
const file = (path: string, content: string, action: PlannedFile["action"]): PlannedFile => ({ path, content, owner: "generated", action });

describe("what a write leaves behind", () => {
  it("deleting a folder's last files removes the emptied folders, never the project or a folder still in use", async () => {
    const root = tmp();
    mkdirSync(join(root, "proxy/nginx/conf.d"), { recursive: true });
    writeFileSync(join(root, "proxy/nginx/conf.d/a.conf"), "a");
    mkdirSync(join(root, "services/api"), { recursive: true });
    writeFileSync(join(root, "services/api/old.py"), "x");
    writeFileSync(join(root, "services/api/app.py"), "kept");
    await flushPlan({ root, notes: [], files: [file("proxy/nginx/conf.d/a.conf", "", "delete"), file("services/api/old.py", "", "delete")] });
    expect(existsSync(join(root, "proxy"))).toBe(false);
    expect(readdirSync(join(root, "services/api"))).toEqual(["app.py"]);
    expect(existsSync(root)).toBe(true);
  });

  it("a killed write's temp files beside a linked stack.yaml's target are removed; look-alike files of the user's are not", async () => {
    const root = tmp();
    const dotfiles = tmp();
    writeFileSync(join(dotfiles, "stack.yaml"), "name: shop\n");
    symlinkSync(join(dotfiles, "stack.yaml"), join(root, "stack.yaml"));
    writeFileSync(join(dotfiles, ".stack.yaml.create-stack-0a1b2c3d"), "half");
    writeFileSync(join(dotfiles, "notes.create-stack-0a1b2c3d"), "mine");
    writeFileSync(join(root, ".env.create-stack-0a1b2c3d.bak"), "mine");
    writeFileSync(join(root, ".env.create-stack-0a1b2c3"), "mine");
    expect(await recoverProject(root)).toEqual({ rolledForward: false, removedTemps: 1 });
    expect(readdirSync(dotfiles).sort()).toEqual(["notes.create-stack-0a1b2c3d", "stack.yaml"]);
    expect(readdirSync(root).sort()).toEqual([".env.create-stack-0a1b2c3", ".env.create-stack-0a1b2c3d.bak", "stack.yaml"]);
  });

  it("files a write created are recorded with their hashes, added to what earlier writes recorded", async () => {
    const root = tmp();
    await flushPlan({ root, notes: [], files: [file("a.py", "a", "create")] });
    writeFileSync(join(root, "keep.txt"), "x");
    await flushPlan({ root, notes: [], files: [file("b.py", "b", "create"), file("keep.txt", "y", "update")] });
    expect(Object.keys(readCreated(root)).sort()).toEqual(["a.py", "b.py"]);
    expect(readFileSync(join(root, "b.py"), "utf8")).toBe("b");
  });

  it("a write that creates nothing (updates, deletes) keeps no record and leaves no state folder", async () => {
    const root = tmp();
    writeFileSync(join(root, "compose.yaml"), "old");
    writeFileSync(join(root, "old.conf"), "old");
    await flushPlan({ root, notes: [], files: [file("compose.yaml", "new", "update"), file("old.conf", "", "delete")] });
    expect(readdirSync(root)).toEqual(["compose.yaml"]);
  });

  it("a write that keeps no record (an export's folder) leaves no state folder behind", async () => {
    const root = tmp();
    await flushPlan({ root, notes: [], recordCreated: false, files: [file("compose.yaml", "c", "create")] });
    expect(readdirSync(root)).toEqual(["compose.yaml"]);
  });

  it("the record keeps the latest 500 files created, dropping the oldest", async () => {
    const root = tmp();
    const many = Array.from({ length: 500 }, (_, i) => file(`f/${i}.txt`, String(i), "create"));
    await flushPlan({ root, notes: [], files: many });
    await flushPlan({ root, notes: [], files: [file("last.txt", "last", "create")] });
    const recorded = Object.keys(readCreated(root));
    expect(recorded).toHaveLength(500);
    expect(recorded[0]).toBe("f/1.txt");
    expect(recorded.at(-1)).toBe("last.txt");
  });

  it("a record that does not parse counts as empty and is replaced by the next write", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack"));
    writeFileSync(join(root, ".create-stack/created.json"), "{\"a.py\": ");
    expect(readCreated(root)).toEqual({});
    await flushPlan({ root, notes: [], files: [file("b.py", "b", "create")] });
    expect(Object.keys(readCreated(root))).toEqual(["b.py"]);
  });
});
