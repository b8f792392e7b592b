import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CREATE_STACK_CLI, DEV_CLI } from "../support/built-cli.js";

/**
 * A cloned repository is input like any other: what it commits (a `.create-stack/` folder of its
 * own, links, a journal) must never make a command write or delete outside the project. Each
 * case runs the built CLI in a project beside a sentinel folder that must stay as it was.
 */
const ENV = { ...process.env, NO_COLOR: "1" };
const tmp = () => mkdtempSync(join(tmpdir(), "create-stack-hostile-"));
const run = (args: string[], cwd?: string) => spawnSync("node", args, { cwd, encoding: "utf8", env: ENV, timeout: 60_000 });

let base: string | undefined;
/** A fresh copy of a scaffolded project, with a sentinel folder beside it, both in one folder. */
function project(): { dir: string; outside: string; untouched: () => void } {
  if (!base) {
    base = join(tmp(), "shop");
    const made = run([CREATE_STACK_CLI, base, "--yes", "--proxy", "nginx", "--preset", "python-http", "--name", "shop"]);
    expect(made.status, made.stderr).toBe(0);
  }
  const parent = tmp();
  const dir = join(parent, "shop");
  cpSync(base, dir, { recursive: true });
  // A clone brings what the repository committed: not our (git-ignored) state folder.
  rmSync(join(dir, ".create-stack"), { recursive: true, force: true });
  const outside = join(parent, "elsewhere");
  mkdirSync(join(outside, "sub"), { recursive: true });
  writeFileSync(join(outside, "precious.txt"), "keep me");
  writeFileSync(join(outside, "sub", "more.txt"), "and me");
  return {
    dir,
    outside,
    untouched: () => {
      const all: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : all.push(relative(outside, join(d, e.name)));
      };
      walk(outside);
      expect(all.sort()).toEqual(["precious.txt", "sub/more.txt"]);
      expect(readFileSync(join(outside, "precious.txt"), "utf8")).toBe("keep me");
    },
  };
}

const stackOf = (dir: string) => readFileSync(join(dir, "stack.yaml"), "utf8");

describe("a hostile clone, the built CLI: nothing outside the project is written or deleted", () => {
  it(".create-stack/tmp -> ../../elsewhere: dev sync and dev add refuse (E_SYMLINK, exit 2) and delete nothing there", () => {
    const p = project();
    mkdirSync(join(p.dir, ".create-stack"));
    symlinkSync("../../elsewhere", join(p.dir, ".create-stack", "tmp"));
    for (const args of [["sync"], ["add", "service", "billing", "--route", "/billing"]]) {
      const res = run([DEV_CLI, ...args, "--json"], p.dir);
      expect(res.status, res.stderr).toBe(2);
      expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ code: "E_SYMLINK", hint: expect.stringContaining("remove .create-stack/tmp") });
      p.untouched();
    }
    expect(stackOf(p.dir)).not.toContain("billing");
  }, 120_000);

  it("a journal deleting and renaming outside: refused (E_STATE_INVALID, exit 2), kept, not run", () => {
    const p = project();
    mkdirSync(join(p.dir, ".create-stack", "tmp"), { recursive: true });
    const journal = JSON.stringify({
      version: 1,
      ops: [
        { op: "delete", target: join(p.outside, "precious.txt") },
        { op: "rename", tmp: join(p.outside, "sub", "more.txt"), target: join(p.dir, "stolen.txt") },
      ],
    });
    writeFileSync(join(p.dir, ".create-stack", "journal"), journal);
    for (const args of [["sync"], ["add", "service", "billing"]]) {
      const res = run([DEV_CLI, ...args], p.dir);
      expect(res.status, res.stderr).toBe(2);
      expect(res.stderr).toContain(`error: .create-stack/journal deletes ${join(p.outside, "precious.txt")}, which create-stack never writes; nothing was done`);
      expect(res.stderr).toContain("look at .create-stack/journal");
      p.untouched();
      expect(readFileSync(join(p.dir, ".create-stack", "journal"), "utf8")).toBe(journal);
      expect(existsSync(join(p.dir, "stolen.txt"))).toBe(false);
    }
  }, 120_000);

  it(".create-stack -> ../elsewhere: no created-files record, schema copy or lock is written there", () => {
    const p = project();
    symlinkSync("../elsewhere", join(p.dir, ".create-stack"));
    for (const args of [["sync"], ["add", "service", "billing", "--route", "/billing"]]) {
      const res = run([DEV_CLI, ...args, "--json"], p.dir);
      expect(res.status, `${args.join(" ")}: ${res.stderr}`).toBe(2);
      expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ code: "E_SYMLINK", hint: expect.stringContaining("remove .create-stack ") });
      p.untouched();
    }
  }, 120_000);

  it("a dangling .create-stack/lock link: dev add says what to remove at once instead of waiting ten minutes", () => {
    const p = project();
    mkdirSync(join(p.dir, ".create-stack"));
    symlinkSync("../../elsewhere/lock", join(p.dir, ".create-stack", "lock"));
    const started = Date.now();
    const res = run([DEV_CLI, "add", "service", "billing"], p.dir);
    expect(res.status, res.stderr).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(res.stderr).toMatch(/^error: \.create-stack\/lock is a symbolic link/m);
    expect(res.stderr).toMatch(/remove \.create-stack\/lock/);
    p.untouched();
    expect(stackOf(p.dir)).not.toContain("billing");
  }, 120_000);

  it("once the link is removed, the same commands work again", () => {
    const p = project();
    mkdirSync(join(p.dir, ".create-stack"));
    symlinkSync("../../elsewhere", join(p.dir, ".create-stack", "tmp"));
    expect(run([DEV_CLI, "sync"], p.dir).status).toBe(2);
    spawnSync("rm", [join(p.dir, ".create-stack", "tmp")]);
    const res = run([DEV_CLI, "add", "service", "billing", "--route", "/billing"], p.dir);
    expect(res.status, res.stderr).toBe(0);
    expect(stackOf(p.dir)).toMatch(/^ {2}billing:$/m);
    p.untouched();
  }, 120_000);
});
