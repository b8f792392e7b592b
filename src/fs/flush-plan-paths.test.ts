import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { flushPlan } from "./flush-plan.js";
import type { PlannedFile } from "./plan.js";

const tmp = () => mkdtempSync(join(tmpdir(), "flush-paths-"));
const file = (path: string, content: string, action: PlannedFile["action"] = "create"): PlannedFile => ({ path, content, owner: "generated", action });
const refusal = async (root: string, files: PlannedFile[]): Promise<StackError> => {
  const err = await flushPlan({ root, notes: [], files }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StackError);
  return err as StackError;
};

describe("flushPlan writes inside the project only", () => {
  it("a path with an empty, . or .. part is refused before anything is written", async () => {
    // The project inside a folder of its own: whatever escapes it lands there, and is seen.
    const parent = tmp();
    const root = join(parent, "project");
    mkdirSync(root);
    for (const bad of ["../escape.txt", "a/../../escape.txt", "a/./b.txt", "a//b.txt", "/abs.txt"]) {
      const err = await refusal(root, [file("ok.txt", "1"), file(bad, "x")]);
      expect(err.code, bad).toBe("E_OUTSIDE_PROJECT");
      expect(err.message, bad).toBe(`${bad} is not a path inside the project; nothing was written`);
      expect(err.hint, bad).toBe("use a relative path without . or .. parts");
    }
    expect(readdirSync(root)).toEqual([]);
    expect(readdirSync(parent)).toEqual(["project"]);
  });

  it("a generated file that is a symbolic link is refused, naming the link and its target", async () => {
    const root = tmp();
    const outside = join(tmp(), "target.txt");
    writeFileSync(outside, "theirs\n");
    symlinkSync(outside, join(root, "compose.yaml"));
    const err = await refusal(root, [file("compose.yaml", "ours\n", "update")]);
    expect(err.code).toBe("E_SYMLINK");
    expect(err.message).toBe(`compose.yaml is a symbolic link (to ${outside}); nothing was written`);
    expect(err.hint).toBe("create-stack writes only inside the project and does not follow links there: replace the link with a real folder or file");
    expect(readFileSync(outside, "utf8")).toBe("theirs\n");
  });

  it("a linked folder on the way is named as the link, also when it points nowhere", async () => {
    const root = tmp();
    mkdirSync(join(root, "services"));
    symlinkSync(join(root, "nowhere"), join(root, "services/api"));
    const err = await refusal(root, [file("services/api/app.py", "x")]);
    expect(err.code).toBe("E_SYMLINK");
    expect(err.message).toBe("services/api is a symbolic link (to a missing target); nothing was written");
    expect(readdirSync(root)).toEqual(["services"]);
  });

  it("stack.yaml and .env kept as links (a dotfiles repo) are written through; the links stay", async () => {
    const root = tmp();
    const dotfiles = tmp();
    writeFileSync(join(dotfiles, "stack.yaml"), "old\n");
    writeFileSync(join(dotfiles, "env"), "OLD=1\n");
    symlinkSync(join(dotfiles, "stack.yaml"), join(root, "stack.yaml"));
    symlinkSync(join(dotfiles, "env"), join(root, ".env"));
    await flushPlan({ root, notes: [], files: [file("stack.yaml", "new\n", "update"), file(".env", "NEW=1\n", "update")] });
    expect(readlinkSync(join(root, "stack.yaml"))).toBe(join(dotfiles, "stack.yaml"));
    expect(readFileSync(join(dotfiles, "stack.yaml"), "utf8")).toBe("new\n");
    expect(readFileSync(join(dotfiles, "env"), "utf8")).toBe("NEW=1\n");
    // No temp file is left beside the targets either.
    expect(readdirSync(dotfiles).sort()).toEqual(["env", "stack.yaml"]);
  });

  it("a stack.yaml link to nothing is refused, saying its target does not exist", async () => {
    const root = tmp();
    symlinkSync(join(root, "gone.yaml"), join(root, "stack.yaml"));
    const err = await refusal(root, [file("stack.yaml", "new\n", "update")]);
    expect(err.code).toBe("E_SYMLINK");
    expect(err.message).toMatch(/^stack\.yaml is a symbolic link \(to .*, which does not exist\); nothing was written$/);
  });

  it("deleting a file that is a link removes the link, never what it points at", async () => {
    const root = tmp();
    const outside = join(tmp(), "keep.txt");
    writeFileSync(outside, "keep\n");
    symlinkSync(outside, join(root, "old.conf"));
    await flushPlan({ root, notes: [], files: [file("old.conf", "", "delete")] });
    expect(existsSync(join(root, "old.conf"))).toBe(false);
    expect(readFileSync(outside, "utf8")).toBe("keep\n");
  });

  it("a folder where a file must go is refused with what to do, and nothing changes", async () => {
    const root = tmp();
    mkdirSync(join(root, "compose.yaml"));
    const err = await refusal(root, [file("a.txt", "a"), file("compose.yaml", "x")]);
    expect(err.code).toBe("E_WRITE");
    expect(err.message).toBe("could not write the project: compose.yaml is a folder where a file must go");
    expect(err.hint).toBe("move it away; nothing was changed");
    expect(readdirSync(root)).toEqual(["compose.yaml"]);
  });

  it("a project folder that does not exist yet is made by its first write", async () => {
    const root = join(tmp(), "shop");
    expect(await flushPlan({ root, notes: [], files: [file("stack.yaml", "name: shop\n")] })).toEqual(["stack.yaml"]);
    expect(readFileSync(join(root, "stack.yaml"), "utf8")).toBe("name: shop\n");
  });

  it("a state folder that cannot be made (a file of that name) fails before anything is written, saying what to check", async () => {
    const root = tmp();
    writeFileSync(join(root, ".create-stack"), "not ours");
    writeFileSync(join(root, "compose.yaml"), "old\n");
    const err = await refusal(root, [file("compose.yaml", "new\n", "update"), file("a.txt", "a")]);
    expect(err.code).toBe("E_WRITE");
    expect(err.message).toMatch(/^could not write the project: .*\.create-stack/);
    expect(err.hint).toBe("move .create-stack away (create-stack makes the folder again); nothing was changed");
    expect(readdirSync(root).sort()).toEqual([".create-stack", "compose.yaml"]);
    expect(readFileSync(join(root, "compose.yaml"), "utf8")).toBe("old\n");
  });

  it("a failure after the temp files were written removes them all", async () => {
    const root = tmp();
    // The record of created files cannot be replaced: a folder stands where it goes.
    mkdirSync(join(root, ".create-stack/created.json"), { recursive: true });
    writeFileSync(join(root, ".create-stack/created.json/x"), "");
    const err = await refusal(root, [file("a.txt", "a"), file("b.txt", "b")]);
    expect(err.code).toBe("E_WRITE");
    expect(readdirSync(root)).toEqual([".create-stack"]);
    expect(readdirSync(join(root, ".create-stack")).sort()).toEqual(["created.json"]);
  });

  it("only created, updated and deleted files are written; the rest are left as they are", async () => {
    const root = tmp();
    writeFileSync(join(root, "same.txt"), "mine\n");
    const written = await flushPlan({ root, notes: [], files: [file("same.txt", "other\n", "unchanged"), file("skipped.txt", "s", "skip"), file("new.txt", "n")] });
    expect(written).toEqual(["new.txt"]);
    expect(readFileSync(join(root, "same.txt"), "utf8")).toBe("mine\n");
  });
});
