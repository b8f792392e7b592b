import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
// One libuv worker thread: every rename then runs on one thread, so strace's per-thread
// syscall count names the same rename in every run.
const ENV = { ...process.env, NO_COLOR: "1", UV_THREADPOOL_SIZE: "1" };
const tmp = () => mkdtempSync(join(tmpdir(), "create-stack-write-"));
const create = (dir: string, ...more: string[]) => [CREATE, dir, "--yes", "--proxy", "nginx", "--preset", "python-http", "--name", "shop", ...more];
const runSync = (args: string[], cwd?: string) => spawnSync("node", args, { cwd, encoding: "utf8", env: ENV });
const hasStrace = spawnSync("strace", ["-V"]).status === 0;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every file under `dir`, relative, without the state folder. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.filter((f) => !f.startsWith(".create-stack/")).sort();
}

/** Temp files a write may leave: none must survive the next command. */
function strays(dir: string): string[] {
  const all = existsSync(dir) ? files(dir) : [];
  const tmpDir = join(dir, ".create-stack", "tmp");
  return [...all.filter((f) => /create-stack-[0-9a-f]{8}$/.test(f)), ...(existsSync(tmpDir) ? readdirSync(tmpDir) : [])];
}

/**
 * strace counts `when=N` per thread. The write path renames on the one libuv worker (ENV); the
 * project certificate is written afterwards on the main thread, outside the transaction. The
 * renames to kill at are the busiest thread's.
 */
function renamesOfWritePath(trace: string): number {
  const perThread = new Map<string, number>();
  for (const line of readFileSync(trace, "utf8").split("\n")) {
    if (!line.includes("rename(")) continue;
    const pid = line.split(" ", 1)[0]!;
    perThread.set(pid, (perThread.get(pid) ?? 0) + 1);
  }
  return Math.max(0, ...perThread.values());
}

const serviceNames = (dir: string) => [...readFileSync(join(dir, "stack.yaml"), "utf8").matchAll(/^ {2}([a-z][a-z0-9-]*):$/gm)].map((m) => m[1]);

describe("the write path, the built CLI", () => {
  it("two concurrent dev add service, 50 times: no edit is lost, each command succeeds or fails cleanly", async () => {
    const dir = join(tmp(), "shop");
    expect(runSync(create(dir)).status).toBe(0);
    for (let i = 0; i < 50; i++) {
      const [a, b] = await Promise.all([run("node", [DEV, "add", "service", `a${i}`, "--route", `/a${i}`], dir), run("node", [DEV, "add", "service", `b${i}`, "--route", `/b${i}`], dir)]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const stack = serviceNames(dir);
      const env = readFileSync(join(dir, ".env"), "utf8");
      for (const name of [`a${i}`, `b${i}`]) {
        expect(stack, `round ${i}`).toContain(name);
        expect(env, `round ${i}`).toMatch(new RegExp(`^${name.toUpperCase()}_PORT=\\d+$`, "m"));
        expect(readFileSync(join(dir, "proxy/nginx/default.conf"), "utf8")).toContain(`location ^~ /${name}/ {`);
      }
    }
    expect(serviceNames(dir)).toHaveLength(101);
    const sync = runSync([DEV, "sync"], dir);
    expect(sync.stdout).toContain("everything is up to date");
    expect(strays(dir)).toEqual([]);
    expect(existsSync(join(dir, ".create-stack", "lock"))).toBe(false);
    // 100 CLI runs: about 7 minutes on a busy 2-core machine.
  }, 1_800_000);

  it("a lock left by a killed command is taken over; a live holder is waited for", async () => {
    const dir = join(tmp(), "shop");
    expect(runSync(create(dir)).status).toBe(0);
    mkdirSync(join(dir, ".create-stack"), { recursive: true });
    // A pid that is not running: the lock is stale.
    writeFileSync(join(dir, ".create-stack", "lock"), JSON.stringify({ pid: 2 ** 22 + 1, token: "x", what: "dev add service ghost" }));
    const res = runSync([DEV, "add", "service", "billing"], dir);
    expect(res.status, res.stderr).toBe(0);
    expect(serviceNames(dir)).toContain("billing");

    writeFileSync(join(dir, ".create-stack", "lock"), JSON.stringify({ pid: process.pid, token: "y", what: "a test holding the lock" }));
    const child = spawn("node", [DEV, "add", "service", "later"], { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    for (let i = 0; i < 600 && !stderr.includes("waiting for another command"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain("waiting for another command writing this project: a test holding the lock");
    expect(serviceNames(dir)).not.toContain("later");
    renameSync(join(dir, ".create-stack", "lock"), join(dir, "released"));
    expect(await exited, stderr).toBe(0);
    expect(serviceNames(dir)).toContain("later");
  }, 60_000);

  it("SIGKILL at every rename of create-stack: the next create-stack completes it, no temp file survives", async () => {
    if (!hasStrace) throw new Error("strace is missing: apt-get install strace (npm run test:all installs it)");
    const reference = join(tmp(), "shop");
    expect(runSync(create(reference)).status).toBe(0);
    const trace = join(tmp(), "trace");
    await run("strace", ["-f", "-qq", "-o", trace, "-e", "trace=rename", "node", ...create(join(tmp(), "shop"))]);
    const renames = renamesOfWritePath(trace);
    expect(renames).toBeGreaterThan(10);
    for (let n = 1; n <= renames; n++) {
      const dir = join(tmp(), "shop");
      const killed = await run("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "-e", `inject=rename:signal=KILL:when=${n}`, "node", ...create(dir)]);
      expect(killed.code, `rename ${n}`).not.toBe(0);
      // As before (no project file), or a committed write that the next command rolls forward.
      const left = files(dir);
      const journal = existsSync(join(dir, ".create-stack", "journal"));
      if (!journal) expect(left, `rename ${n}: no journal, so nothing may have landed`).toEqual([]);
      const again = await run("node", create(dir));
      expect(again.code, `rename ${n}: ${again.stderr}`).toBe(0);
      expect(files(dir), `rename ${n}`).toEqual(files(reference));
      expect(strays(dir), `rename ${n}`).toEqual([]);
      expect(runSync([DEV, "sync", "--dry-run"], dir).stdout, `rename ${n}`).toContain("everything is up to date");
    }
  }, 600_000);

  it("SIGKILL at every rename of dev add: the next command finds the project as before or complete", async () => {
    if (!hasStrace) throw new Error("strace is missing: apt-get install strace (npm run test:all installs it)");
    const base = join(tmp(), "shop");
    expect(runSync(create(base)).status).toBe(0);
    const before = files(base);
    const trace = join(tmp(), "trace");
    const probe = join(tmp(), "shop");
    cpSync(base, probe, { recursive: true });
    await run("strace", ["-f", "-qq", "-o", trace, "-e", "trace=rename", "node", DEV, "add", "service", "billing", "--route", "/billing"], probe);
    const renames = renamesOfWritePath(trace);
    expect(renames).toBeGreaterThan(8);
    const outcomes = new Set<string>();
    for (let n = 1; n <= renames; n++) {
      const dir = join(tmp(), "shop");
      cpSync(base, dir, { recursive: true });
      const killed = await run("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "-e", `inject=rename:signal=KILL:when=${n}`, "node", DEV, "add", "service", "billing", "--route", "/billing"], dir);
      expect(killed.code, `rename ${n}`).not.toBe(0);
      const next = runSync([DEV, "sync"], dir);
      expect(next.status, `rename ${n}: ${next.stderr}`).toBe(0);
      expect(strays(dir), `rename ${n}`).toEqual([]);
      const added = serviceNames(dir).includes("billing");
      outcomes.add(added ? "complete" : "as before");
      if (added) {
        expect(files(dir), `rename ${n}`).toEqual(files(probe));
        expect(readFileSync(join(dir, "proxy/nginx/default.conf"), "utf8")).toContain("location ^~ /billing/ {");
      } else {
        expect(files(dir), `rename ${n}`).toEqual(before);
      }
      expect(runSync([DEV, "sync", "--dry-run"], dir).stdout).toContain("everything is up to date");
    }
    expect([...outcomes].sort()).toEqual(["as before", "complete"]);
  }, 600_000);

  it("a symlinked folder inside the project is refused (exit 2, nothing written); symlinked stack.yaml and .env are written through", () => {
    const outside = tmp();
    const dir = join(tmp(), "shop");
    expect(runSync(create(dir)).status).toBe(0);
    const stackBefore = readFileSync(join(dir, "stack.yaml"), "utf8");

    // A hostile clone: the new service's folder points elsewhere.
    symlinkSync(outside, join(dir, "services", "evil"));
    const evil = runSync([DEV, "add", "service", "evil"], dir);
    expect(evil.status).toBe(2);
    expect(evil.stderr).toMatch(/^error: services\/evil is a symbolic link \(to .*\); nothing was written/m);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(dir, "stack.yaml"), "utf8")).toBe(stackBefore);

    // proxy/nginx pointing elsewhere: a sync that would rewrite the nginx config is refused.
    const nginxReal = join(outside, "nginx");
    cpSync(join(dir, "proxy", "nginx"), nginxReal, { recursive: true });
    const confBefore = readFileSync(join(nginxReal, "default.conf"), "utf8");
    spawnSync("rm", ["-r", join(dir, "proxy", "nginx")]);
    symlinkSync(nginxReal, join(dir, "proxy", "nginx"));
    const added = runSync([DEV, "add", "service", "billing", "--route", "/billing"], dir);
    expect(added.status).toBe(2);
    expect(added.stderr).toMatch(/proxy\/nginx is a symbolic link/);
    expect(readFileSync(join(nginxReal, "default.conf"), "utf8")).toBe(confBefore);
    expect(serviceNames(dir)).not.toContain("billing");

    // stack.yaml and .env as links (e.g. kept in a config folder): the links stay, targets change.
    const project = join(tmp(), "linked");
    expect(runSync(create(project)).status).toBe(0);
    const config = join(tmp(), "config");
    mkdirSync(config);
    for (const f of ["stack.yaml", ".env"]) {
      renameSync(join(project, f), join(config, f));
      symlinkSync(join(config, f), join(project, f));
    }
    const res = runSync([DEV, "add", "service", "billing", "--route", "/billing"], project);
    expect(res.status, res.stderr).toBe(0);
    for (const f of ["stack.yaml", ".env"]) {
      expect(lstatSync(join(project, f)).isSymbolicLink(), f).toBe(true);
      expect(readlinkSync(join(project, f))).toBe(join(config, f));
    }
    expect(readFileSync(join(config, "stack.yaml"), "utf8")).toMatch(/^ {2}billing:$/m);
    expect(readFileSync(join(config, ".env"), "utf8")).toMatch(/^BILLING_PORT=\d+$/m);
    expect(lstatSync(join(config, ".env")).mode & 0o777).toBe(0o600);
    expect(readdirSync(config).sort()).toEqual([".env", "stack.yaml"]);
  }, 60_000);

  it("a plan deletes: dropping nginx removes its pristine layer and config; --delete-source is listed by --dry-run", () => {
    const dir = join(tmp(), "shop");
    expect(runSync(create(dir)).status).toBe(0);
    expect(runSync([DEV, "add", "service", "billing", "--route", "/billing"], dir).status).toBe(0);
    writeFileSync(join(dir, "stack.yaml"), readFileSync(join(dir, "stack.yaml"), "utf8").replace("presets: [nginx]", "presets: []").replace(/^ {4}route: .*\n/gm, ""));
    const dry = runSync([DEV, "sync", "--dry-run"], dir);
    expect(dry.stdout).toMatch(/^DELETE compose\.proxy\.yaml$/m);
    expect(dry.stdout).toMatch(/^DELETE proxy\/nginx\/default\.conf$/m);
    expect(existsSync(join(dir, "compose.proxy.yaml"))).toBe(true);
    const sync = runSync([DEV, "sync", "--json"], dir);
    expect(sync.status, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).written).toEqual(expect.arrayContaining(["compose.proxy.yaml", "proxy/nginx/default.conf"]));
    expect(existsSync(join(dir, "compose.proxy.yaml"))).toBe(false);
    expect(existsSync(join(dir, "proxy"))).toBe(false);
    expect(readFileSync(join(dir, ".env"), "utf8")).not.toContain("compose.proxy.yaml");

    const removeDry = runSync([DEV, "remove", "service", "api", "--delete-source", "--dry-run"], dir);
    expect(removeDry.status, removeDry.stderr).toBe(0);
    expect(removeDry.stdout).toMatch(/^DELETE services\/api\/app\.py$/m);
    expect(existsSync(join(dir, "services/api/app.py"))).toBe(true);
    const removed = runSync([DEV, "remove", "service", "api", "--delete-source"], dir);
    expect(removed.status, removed.stderr).toBe(0);
    expect(readdirSync(join(dir, "services"))).toEqual(["billing"]);
  }, 60_000);
});
