import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { flushPlan } from "./flush-plan.js";
import { readCreated, recordCreated, recoverProject } from "./journal.js";
import type { PlannedFile } from "./plan.js";
import { acquireProjectLock } from "./project-lock.js";
import { withProjectWrite } from "./project-transaction.js";
import { readStateJson, writeSchemaCopy, writeStateJson } from "./state-dir.js";

/**
 * A cloned repository can commit a `.create-stack/` folder of its own: nothing in it is trusted.
 * Each case leaves a sentinel folder outside the project that must stay as it was.
 */
const tmp = () => mkdtempSync(join(tmpdir(), "hostile-state-"));
const file = (path: string, content: string, action: PlannedFile["action"]): PlannedFile => ({ path, content, owner: "generated", action });

function sentinel(): { dir: string; untouched: () => void } {
  const dir = tmp();
  writeFileSync(join(dir, "precious.txt"), "keep me");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "more.txt"), "and me");
  return {
    dir,
    untouched: () => {
      expect(readdirSync(dir).sort()).toEqual(["precious.txt", "sub"]);
      expect(readFileSync(join(dir, "precious.txt"), "utf8")).toBe("keep me");
      expect(readdirSync(join(dir, "sub"))).toEqual(["more.txt"]);
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<StackError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StackError);
  return err as StackError;
}

describe("a hostile state folder: links", () => {
  it(".create-stack/tmp linked outside: recovery refuses (E_SYMLINK, exit 2, says what to remove) and deletes nothing there", async () => {
    const root = tmp();
    const outside = sentinel();
    mkdirSync(join(root, ".create-stack"));
    symlinkSync(outside.dir, join(root, ".create-stack", "tmp"));
    const err = await refusal(recoverProject(root));
    expect(err.code).toBe("E_SYMLINK");
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(".create-stack/tmp is a symbolic link");
    expect(err.hint).toMatch(/remove \.create-stack\/tmp/);
    outside.untouched();
    // Through the whole write path, too.
    await expect(withProjectWrite(root, "dev sync", async () => undefined)).rejects.toMatchObject({ code: "E_SYMLINK" });
    await expect(flushPlan({ root, notes: [], files: [file("a.txt", "a", "create")] })).rejects.toMatchObject({ code: "E_SYMLINK" });
    outside.untouched();
    expect(existsSync(join(root, "a.txt"))).toBe(false);
  });

  it(".create-stack itself linked outside: no lock, record, schema copy or state file is written there", async () => {
    const root = tmp();
    const outside = sentinel();
    symlinkSync(outside.dir, join(root, ".create-stack"));
    for (const attempt of [
      () => acquireProjectLock(root, "dev sync", { timeoutMs: 500 }),
      () => recoverProject(root),
      () => flushPlan({ root, notes: [], files: [file("a.txt", "a", "create")] }),
      () => recordCreated(root, [{ path: "a.txt", hash: "x" }]),
      () => writeSchemaCopy(root),
      () => writeStateJson(root, "stopped.json", { services: [] }),
    ]) {
      const err = await refusal(attempt());
      expect(err.code).toBe("E_SYMLINK");
      expect(err.exitCode).toBe(2);
      expect(err.hint).toMatch(/remove \.create-stack\b/);
    }
    outside.untouched();
    expect(existsSync(join(root, "a.txt"))).toBe(false);
  });

  it("a dangling .create-stack/lock link is refused at once, not waited on for ten minutes", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack"));
    symlinkSync(join(root, "nowhere"), join(root, ".create-stack", "lock"));
    const started = Date.now();
    const err = await refusal(acquireProjectLock(root, "dev add service x", { timeoutMs: 5000 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.code).toBe("E_SYMLINK");
    expect(err.hint).toMatch(/remove \.create-stack\/lock/);
    expect(existsSync(join(root, "nowhere"))).toBe(false);
  });

  it("a state file linked outside is neither read nor written through", async () => {
    const root = tmp();
    const outside = sentinel();
    mkdirSync(join(root, ".create-stack"));
    writeFileSync(join(outside.dir, "counts.json"), '{"api": 3}');
    symlinkSync(join(outside.dir, "counts.json"), join(root, ".create-stack", "restarts.json"));
    symlinkSync(join(outside.dir, "precious.txt"), join(root, ".create-stack", "stopped.json"));
    symlinkSync(join(outside.dir, "counts.json"), join(root, ".create-stack", "created.json"));
    expect(await readStateJson(root, "restarts.json")).toBeUndefined();
    expect(readCreated(root)).toEqual({});
    await expect(writeStateJson(root, "stopped.json", { services: ["x"] })).rejects.toMatchObject({ code: "E_SYMLINK" });
    expect(readFileSync(join(outside.dir, "precious.txt"), "utf8")).toBe("keep me");
    expect(readFileSync(join(outside.dir, "counts.json"), "utf8")).toBe('{"api": 3}');
  });
});

describe("a hostile state folder: the journal", () => {
  const leaveJournal = (root: string, ops: unknown[]) => {
    mkdirSync(join(root, ".create-stack", "tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack", "journal"), JSON.stringify({ version: 1, ops }));
  };

  it("a journal deleting a file outside the project is refused and kept; nothing is deleted", async () => {
    const root = tmp();
    const outside = sentinel();
    leaveJournal(root, [{ op: "delete", target: join(outside.dir, "precious.txt") }]);
    writeFileSync(join(root, ".create-stack", "tmp", "0a1b2c3d-x"), "kept for a look");
    const err = await refusal(recoverProject(root));
    expect(err.code).toBe("E_STATE_INVALID");
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(join(outside.dir, "precious.txt"));
    expect(err.hint).toContain(".create-stack/journal");
    outside.untouched();
    // Kept for the user to look at: the journal and the temp files it names.
    expect(existsSync(join(root, ".create-stack", "journal"))).toBe(true);
    expect(readdirSync(join(root, ".create-stack", "tmp"))).toEqual(["0a1b2c3d-x"]);
  });

  it("escaping, relative, unnormalised or malformed targets and temp names are refused", async () => {
    const outside = sentinel();
    const cases = (root: string): unknown[][] => [
      [{ op: "delete", target: join(root, "..", "x") }],
      [{ op: "delete", target: "services/api/app.py" }],
      [{ op: "delete", target: join(root, "a", "..", "..", "x") }],
      [{ op: "delete", target: root }],
      [{ op: "delete", target: join(root, ".git", "config") }],
      [{ op: "delete", target: join(root, ".create-stack", "lock") }],
      [{ op: "rename", tmp: join(outside.dir, "precious.txt"), target: join(root, "stolen.txt") }],
      [{ op: "rename", tmp: join(root, ".create-stack", "tmp", "0a1b2c3d-a.txt"), target: join(outside.dir, "precious.txt") }],
      [{ op: "rename", tmp: join(root, ".create-stack", "tmp", "0a1b2c3d-a.txt"), target: join(root, ".git", "hooks", "pre-commit") }],
      [{ op: "rename", tmp: join(root, ".create-stack", "tmp", "..", "..", "secret"), target: join(root, "a.txt") }],
      [{ op: "rename", tmp: join(root, "elsewhere", "0a1b2c3d-a.txt"), target: join(root, "a.txt") }],
      [{ op: "unlink", target: join(root, "a.txt") }],
      [{ op: "delete" }],
      ["delete"],
    ];
    for (const [i, ops] of cases(tmp()).entries()) {
      const root = tmp();
      writeFileSync(join(root, "a.txt"), "mine");
      leaveJournal(root, cases(root)[i]!);
      const err = await refusal(recoverProject(root));
      expect(err.code, JSON.stringify(ops)).toBe("E_STATE_INVALID");
      expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("mine");
      expect(existsSync(join(root, ".create-stack", "journal"))).toBe(true);
    }
    outside.untouched();
  });

  it("a journal target behind a linked folder inside the project is refused; a temp file that is a link is not moved in", async () => {
    const root = tmp();
    const outside = sentinel();
    symlinkSync(outside.dir, join(root, "services"));
    leaveJournal(root, [{ op: "delete", target: join(root, "services", "precious.txt") }]);
    expect((await refusal(recoverProject(root))).code).toBe("E_STATE_INVALID");
    outside.untouched();

    const other = tmp();
    leaveJournal(other, [{ op: "rename", tmp: join(other, ".create-stack", "tmp", "0a1b2c3d-a.txt"), target: join(other, "a.txt") }]);
    symlinkSync(join(outside.dir, "precious.txt"), join(other, ".create-stack", "tmp", "0a1b2c3d-a.txt"));
    expect((await refusal(recoverProject(other))).code).toBe("E_STATE_INVALID");
    expect(existsSync(join(other, "a.txt"))).toBe(false);
    outside.untouched();
  });

  it("our own journal still rolls forward: temp files in tmp/, and beside a linked stack.yaml's target", async () => {
    const root = tmp();
    const config = tmp();
    writeFileSync(join(config, "stack.yaml"), "old");
    symlinkSync(join(config, "stack.yaml"), join(root, "stack.yaml"));
    writeFileSync(join(root, "gone.txt"), "x");
    leaveJournal(root, [
      { op: "rename", tmp: join(root, ".create-stack", "tmp", "0a1b2c3d-compose.yaml"), target: join(root, "compose.yaml") },
      { op: "delete", target: join(root, "gone.txt") },
      { op: "rename", tmp: join(config, ".stack.yaml.create-stack-0a1b2c3d"), target: join(config, "stack.yaml") },
    ]);
    writeFileSync(join(root, ".create-stack", "tmp", "0a1b2c3d-compose.yaml"), "compose");
    writeFileSync(join(config, ".stack.yaml.create-stack-0a1b2c3d"), "new");
    expect(await recoverProject(root)).toMatchObject({ rolledForward: true });
    expect(readFileSync(join(root, "compose.yaml"), "utf8")).toBe("compose");
    expect(readFileSync(join(config, "stack.yaml"), "utf8")).toBe("new");
    expect(existsSync(join(root, "gone.txt"))).toBe(false);
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });
});
