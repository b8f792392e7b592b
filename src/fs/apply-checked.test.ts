import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyChecked, type CheckedStep } from "./apply-checked.js";
import { contentHash } from "./content-hash.js";
import { commitJournal, recoverProject } from "./journal.js";

describe("the renames of a write, each checked against a save landing meanwhile", () => {
  it("a file saved before its own rename: the steps taken are undone from their backups, the save stays, E_CHANGED", async () => {
    const root = mkdtempSync(join(tmpdir(), "checked-"));
    const t = (name: string) => join(root, ".create-stack", "tmp", name);
    mkdirSync(join(root, ".create-stack", "tmp"), { recursive: true });
    writeFileSync(join(root, "a.txt"), "old a");
    writeFileSync(join(root, "gone.txt"), "old gone");
    writeFileSync(join(root, "stack.yaml"), "saved by hand");
    for (const [name, text] of [["1-a.txt", "new a"], ["2-b.txt", "new b"], ["3-stack.yaml", "new stack"]]) writeFileSync(t(name!), text!);
    linkSync(join(root, "a.txt"), t("4-a.txt"));
    linkSync(join(root, "gone.txt"), t("5-gone.txt"));
    const steps: CheckedStep[] = [
      { op: { op: "rename", tmp: t("1-a.txt"), target: join(root, "a.txt") }, path: "a.txt", base: contentHash("old a"), ours: contentHash("new a"), backup: t("4-a.txt") },
      { op: { op: "rename", tmp: t("2-b.txt"), target: join(root, "sub", "b.txt") }, path: "sub/b.txt", base: null, ours: contentHash("new b") },
      { op: { op: "delete", target: join(root, "gone.txt") }, path: "gone.txt", base: contentHash("old gone"), ours: null, backup: t("5-gone.txt") },
      { op: { op: "rename", tmp: t("3-stack.yaml"), target: join(root, "stack.yaml") }, path: "stack.yaml", base: contentHash("as planned"), ours: contentHash("new stack") },
    ];
    await commitJournal(root, steps.map((s) => s.op));
    await expect(applyChecked(root, steps)).rejects.toMatchObject({ code: "E_CHANGED", exitCode: 1, message: "stack.yaml changed while this command ran; nothing was written" });
    expect(readFileSync(join(root, "stack.yaml"), "utf8")).toBe("saved by hand");
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("old a");
    expect(readFileSync(join(root, "gone.txt"), "utf8")).toBe("old gone");
    expect(existsSync(join(root, "sub"))).toBe(false);
    // The undo's own journal: completing it again changes nothing.
    expect(await recoverProject(root)).toMatchObject({ rolledForward: true });
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("old a");
    expect(readFileSync(join(root, "stack.yaml"), "utf8")).toBe("saved by hand");
  });

  it("a file saved after our step is not undone: the save stays even when a later check fails", async () => {
    const root = mkdtempSync(join(tmpdir(), "checked-"));
    const t = (name: string) => join(root, ".create-stack", "tmp", name);
    mkdirSync(join(root, ".create-stack", "tmp"), { recursive: true });
    writeFileSync(join(root, ".env"), "A=1\n");
    writeFileSync(t("1-.env"), "A=1\nB=2\n");
    linkSync(join(root, ".env"), t("2-.env"));
    writeFileSync(join(root, "stack.yaml"), "changed");
    const steps: CheckedStep[] = [
      { op: { op: "rename", tmp: t("1-.env"), target: join(root, ".env") }, path: ".env", base: contentHash("A=1\n"), ours: contentHash("A=1\nB=2\n"), backup: t("2-.env") },
      { op: { op: "delete", target: join(root, "stack.yaml") }, path: "stack.yaml", base: contentHash("planned"), ours: null },
    ];
    await commitJournal(root, steps.map((s) => s.op));
    // The .env step landed; then the user saved .env by hand (before the stack.yaml check fails).
    const first = steps[0]!;
    const racing: CheckedStep = { ...first, ours: contentHash("not what we wrote") };
    await expect(applyChecked(root, [racing])).rejects.toMatchObject({ code: "E_CHANGED", message: ".env was saved while this command wrote it; nothing was written" });
    // What we wrote does not hash as ours in that run, so it was not taken for ours and undone.
    expect(readFileSync(join(root, ".env"), "utf8")).toBe("A=1\nB=2\n");
  });
});
