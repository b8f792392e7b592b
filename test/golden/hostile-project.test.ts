import { spawn, spawnSync } from "node:child_process";
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

const hasStrace = spawnSync("strace", ["-V"]).status === 0;
// One libuv worker thread: strace's count of renames then names the same rename in every run.
const TRACE_ENV = { ...ENV, UV_THREADPOOL_SIZE: "1" };

/** Every file under `dir` with its content, without the state folder. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (relative(dir, p) !== ".create-stack") walk(p);
      } else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("hostile values, the built CLI", () => {
  it("dev add service '' is a name error (exit 2), not a folder without a Dockerfile", () => {
    const p = project();
    const res = run([DEV_CLI, "add", "service", "", "--json"], p.dir);
    expect(res.status, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ code: "E_INVALID_NAME", message: 'service name "" is not a name' });
  }, 60_000);

  it("values a proxy or compose would refuse later are refused up front: exit 2, the flag or stack.yaml line, nothing written", () => {
    const long = `/${"r".repeat(4100)}`;
    const flagCases: [string[], string, RegExp][] = [
      [["add", "service", "svc", "--route", long, "--port", "80", "--image", "redis:7"], "E_ROUTE_INVALID", /^--route: route "\/r+…" is 4101 characters long; the limit is 1024$/],
      [["add", "service", "svc", "--image", "Redis:7"], "E_IMAGE_INVALID", /^--image: service "svc": image "Redis:7" has upper-case letters/],
      [["add", "service", "svc", "--image", "rédis:7"], "E_IMAGE_INVALID", /^--image: .*a character outside/],
      [["add", "service", "svc", "--image", 'redis"x'], "E_IMAGE_INVALID", /^--image: .*a character outside/],
      [["add", "service", "svc", "--image", `${"a".repeat(3000)}:7`], "E_IMAGE_INVALID", /^--image: .*a name of 3000 characters; the limit is 255$/],
    ];
    const p = project();
    const before = snapshot(p.dir);
    for (const [args, code, message] of flagCases) {
      const res = run([DEV_CLI, ...args, "--json"], p.dir);
      expect(res.status, `${args.join(" ").slice(0, 80)}\n${res.stderr}`).toBe(2);
      const error = JSON.parse(res.stdout).errors[0];
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(snapshot(p.dir)).toEqual(before);
    }
    const created = run([CREATE_STACK_CLI, join(tmp(), "app"), "--yes", "--image", "postgres:16=Postgres:16", "--json"]);
    expect(created.status, created.stderr).toBe(2);
    expect(JSON.parse(created.stdout).errors[0]).toMatchObject({ code: "E_IMAGE_INVALID", message: expect.stringMatching(/^--image: /) });
  }, 120_000);

  it("the same values written in stack.yaml: dev sync names file:line:col, exit 2, nothing written", () => {
    const p = project();
    const stack = stackOf(p.dir);
    const cases: [string, string, number][] = [
      ["route: /api", `route: /${"r".repeat(4100)}`, 0],
      ["template: python-http", "image: Redis:7\n    port: 8000", 0],
      ["port: 8000", `port: 8000\n    env:\n      BIG: ${"x".repeat(70_000)}`, 0],
    ];
    for (const [from, to] of cases) {
      writeFileSync(join(p.dir, "stack.yaml"), stack.replace(from, to));
      const before = snapshot(p.dir);
      const res = run([DEV_CLI, "sync"], p.dir);
      expect(res.status, res.stderr.slice(0, 300)).toBe(2);
      expect(res.stderr).toMatch(/^error: stack\.yaml:\d+:\d+: /);
      expect(res.stderr.length).toBeLessThan(1000);
      expect(snapshot(p.dir)).toEqual(before);
    }
    writeFileSync(join(p.dir, "stack.yaml"), `${stack}images:\n  "redis:7": "rédis:7"\n`);
    const res = run([DEV_CLI, "sync", "--json"], p.dir);
    expect(res.status).toBe(2);
    expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ code: "E_IMAGE_INVALID", location: { file: "stack.yaml", line: stack.split("\n").length + 1, col: 14 } });
  }, 120_000);

  it("unquoted env numbers reach compose.yaml as written: 3.10, 0x1F, 012 and a 20-digit number", () => {
    const p = project();
    writeFileSync(join(p.dir, "stack.yaml"), stackOf(p.dir).replace("port: 8000", "port: 8000\n    env:\n      A: 3.10\n      B: 0x1F\n      C: 012\n      D: 12345678901234567890"));
    const res = run([DEV_CLI, "sync"], p.dir);
    expect(res.status, res.stderr).toBe(0);
    const compose = readFileSync(join(p.dir, "compose.yaml"), "utf8");
    for (const line of ['A: "3.10"', 'B: "0x1F"', 'C: "012"', 'D: "12345678901234567890"']) expect(compose).toContain(line);
  }, 60_000);

  it("a generated file that is a link to outside the project: E_SYMLINK, exit 2, not an edit by hand; the outside file untouched", () => {
    const p = project();
    rmSync(join(p.dir, "compose.dev.yaml"));
    symlinkSync(join(p.outside, "precious.txt"), join(p.dir, "compose.dev.yaml"));
    const res = run([DEV_CLI, "sync", "--json"], p.dir);
    expect(res.status, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout).errors[0]).toMatchObject({ code: "E_SYMLINK", message: expect.stringMatching(/^compose\.dev\.yaml is a symbolic link/) });
    p.untouched();
  }, 60_000);
});

describe("a race, the built CLI: a hand save during dev add is kept", () => {
  it("stack.yaml saved (temp file + rename, as editors do) while dev add's renames are held up: E_CHANGED, the save kept, nothing else written", async () => {
    if (!hasStrace) throw new Error("strace is missing: apt-get install strace (npm run test:all installs it)");
    const add = [DEV_CLI, "add", "service", "svc", "--route", "/svc"];
    // Which rename commits the journal: the window opens there and closes with stack.yaml's rename.
    const probe = project();
    const trace = join(tmp(), "trace");
    spawnSync("strace", ["-f", "-qq", "-o", trace, "-e", "trace=rename", "node", ...add], { cwd: probe.dir, env: TRACE_ENV });
    const renames = readFileSync(trace, "utf8").split("\n").filter((l) => l.includes("rename("));
    const commit = renames.findIndex((l) => l.includes("journal.next-")) + 1;
    expect(commit).toBeGreaterThan(0);
    expect(renames.length).toBeGreaterThan(commit + 3);

    const p = project();
    const before = snapshot(p.dir);
    const child = spawn("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "-e", `inject=rename:delay_enter=2000000:when=${commit}`, "node", ...add], { cwd: p.dir, env: TRACE_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const stateDir = join(p.dir, ".create-stack");
    for (let i = 0; i < 600 && !(existsSync(stateDir) && readdirSync(stateDir).some((n) => n.startsWith("journal.next-"))); i++) await new Promise((r) => setTimeout(r, 20));
    // The user's save, landing while the journal's commit is held up.
    const edited = before["stack.yaml"]!.replace(/^name: shop$/m, "name: shop # saved by hand");
    expect(edited).not.toBe(before["stack.yaml"]);
    writeFileSync(join(p.dir, ".stack.yaml.swp"), edited);
    spawnSync("mv", [join(p.dir, ".stack.yaml.swp"), join(p.dir, "stack.yaml")]);
    const code = await exited;
    expect(code, stderr).toBe(1);
    expect(stderr).toContain("error: stack.yaml changed while this command ran; nothing was written");
    expect(snapshot(p.dir)).toEqual({ ...before, "stack.yaml": edited });
    // The next command finds nothing to finish and the save in place.
    const next = run([DEV_CLI, "add", "service", "svc", "--route", "/svc"], p.dir);
    expect(next.status, next.stderr).toBe(0);
    expect(readFileSync(join(p.dir, "stack.yaml"), "utf8")).toMatch(/name: shop # saved by hand/);
    expect(readFileSync(join(p.dir, "stack.yaml"), "utf8")).toMatch(/^ {2}svc:$/m);
  }, 120_000);
});

describe("kills, the built CLI: no secret is ever stageable by git", () => {
  it("create-stack killed at every rename: git add -A -n stages neither .env nor a temp file; the next run leaves no temp file", async () => {
    if (!hasStrace) throw new Error("strace is missing: apt-get install strace (npm run test:all installs it)");
    const create = (dir: string) => [CREATE_STACK_CLI, dir, "--yes", "--proxy", "nginx", "--preset", "python-http", "--name", "shop"];
    const trace = join(tmp(), "trace");
    spawnSync("strace", ["-f", "-qq", "-o", trace, "-e", "trace=rename", "node", ...create(join(tmp(), "shop"))], { env: TRACE_ENV });
    // strace counts when=N per thread: the write path renames on the one libuv worker; the project
    // certificate is written afterwards on the main thread, outside the transaction.
    const perThread = new Map<string, number>();
    for (const l of readFileSync(trace, "utf8").split("\n").filter((l) => l.includes("rename("))) {
      const pid = l.split(" ", 1)[0]!;
      perThread.set(pid, (perThread.get(pid) ?? 0) + 1);
    }
    const renames = Math.max(0, ...perThread.values());
    expect(renames).toBeGreaterThan(10);
    for (let n = 1; n <= renames; n++) {
      const dir = join(tmp(), "shop");
      mkdirSync(dir);
      expect(spawnSync("git", ["init", "-q"], { cwd: dir }).status).toBe(0);
      const killed = spawnSync("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "-e", `inject=rename:signal=KILL:when=${n}`, "node", ...create(dir)], { env: TRACE_ENV });
      expect(killed.status, `rename ${n}`).not.toBe(0);
      const staged = spawnSync("git", ["add", "-A", "-n"], { cwd: dir, encoding: "utf8" }).stdout;
      // .env, a temp file (any may hold .env's secrets): a killed command's lock is no secret.
      const secrets = staged.split("\n").filter((l) => /^add '(.*\/)?\.env'$|\/tmp\/|\.create-stack-[0-9a-f]{8}/.test(l));
      expect(secrets, `rename ${n}: ${staged}`).toEqual([]);
      const again = run(create(dir));
      expect(again.status, `rename ${n}: ${again.stderr}`).toBe(0);
      const state = join(dir, ".create-stack");
      expect(existsSync(state) ? readdirSync(state).filter((f) => f.includes(".create-stack-") || f === "tmp" || f.startsWith("journal")) : [], `rename ${n}`).toEqual([]);
    }
  }, 600_000);
});
