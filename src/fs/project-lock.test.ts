import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { acquireProjectLock, withProjectLock } from "./project-lock.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lock-"));
const lockFile = (root: string) => join(root, ".create-stack", "lock");
const leaveLock = (root: string, content: string) => {
  mkdirSync(join(root, ".create-stack"), { recursive: true });
  writeFileSync(lockFile(root), content);
};
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).stdout.trim();

describe("a lock a killed command left never blocks the next one", () => {
  it("a lock whose process is gone is taken over at once, without waiting", async () => {
    const root = tmp();
    leaveLock(root, JSON.stringify({ pid: Number(deadPid()), token: "old", what: "dev add service x" }));
    const waits: string[] = [];
    const release = await acquireProjectLock(root, "dev sync", { onWait: (h) => waits.push(h), timeoutMs: 2000 });
    expect(waits).toEqual([]);
    expect(JSON.parse(readFileSync(lockFile(root), "utf8"))).toMatchObject({ pid: process.pid, what: "dev sync" });
    await release();
  });

  it("a pid now used by another process (its start time differs) is not the holder", async () => {
    const root = tmp();
    leaveLock(root, JSON.stringify({ pid: process.pid, start: "1", token: "old", what: "dev add service x" }));
    const release = await acquireProjectLock(root, "dev sync", { timeoutMs: 2000 });
    expect(JSON.parse(readFileSync(lockFile(root), "utf8")).what).toBe("dev sync");
    await release();
  });

  it("an empty lock (killed between creating and writing it) is stale once old; a fresh one is respected", async () => {
    const root = tmp();
    leaveLock(root, "");
    await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 300 })).rejects.toMatchObject({ code: "E_LOCKED", message: "another command is writing this project: unknown" });
    const past = Date.now() / 1000 - 10;
    utimesSync(lockFile(root), past, past);
    const release = await acquireProjectLock(root, "dev sync", { timeoutMs: 2000 });
    expect(JSON.parse(readFileSync(lockFile(root), "utf8")).what).toBe("dev sync");
    await release();
  });

  it("a live holder is waited for, and the waiter is told once who holds it", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    const waits: string[] = [];
    await expect(acquireProjectLock(root, "dev sync", { onWait: (h) => waits.push(h), timeoutMs: 400 })).rejects.toMatchObject({
      code: "E_LOCKED",
      message: `another command is writing this project: dev add service billing (pid ${process.pid})`,
      hint: expect.stringContaining(".create-stack/lock"),
    });
    expect(waits).toEqual([`dev add service billing (pid ${process.pid})`]);
    await release();
  });
});

describe("a lock that is held is honoured", () => {
  it("a lock written without a start time (where /proc is missing) is honoured while its pid lives", async () => {
    const root = tmp();
    leaveLock(root, JSON.stringify({ pid: process.pid, token: "old", what: "dev add service x" }));
    await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 200 })).rejects.toMatchObject({ code: "E_LOCKED" });
    expect(JSON.parse(readFileSync(lockFile(root), "utf8")).token).toBe("old");
  });

  it("the holder's own start time matches: it is the holder, not a recycled pid", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    const held = JSON.parse(readFileSync(lockFile(root), "utf8"));
    // As a newer process would find it: the same pid and start time, another token.
    writeFileSync(lockFile(root), JSON.stringify({ ...held, token: "other" }));
    await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 200 })).rejects.toMatchObject({ code: "E_LOCKED" });
    expect(JSON.parse(readFileSync(lockFile(root), "utf8")).token).toBe("other");
    await release();
  });

  it("without a timeout a waiter waits until it is stopped, then says so", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    const stop = new AbortController();
    const waiting = acquireProjectLock(root, "dev up", { signal: stop.signal, onWait: () => stop.abort() });
    await expect(waiting).rejects.toMatchObject({ code: "E_ABORTED", message: "stopped while waiting for the project lock" });
    await release();
  });

  it("giving up names the holder and says how to clear a lock no process holds", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 100 })).rejects.toMatchObject({
      code: "E_LOCKED",
      exitCode: 1,
      hint: "wait for it to finish and run the command again; if no such process runs, delete .create-stack/lock",
    });
    await release();
  });
});

describe("a lock held by another live process", () => {
  it("is honoured, naming that process, and is free once it releases", async () => {
    const root = tmp();
    const holder = holdLockInChild(root, "dev add service billing");
    try {
      await holder.held;
      await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 300 })).rejects.toMatchObject({
        code: "E_LOCKED",
        message: `another command is writing this project: dev add service billing (pid ${holder.pid})`,
      });
    } finally {
      await holder.release();
    }
    const release = await acquireProjectLock(root, "dev sync", { timeoutMs: 2000 });
    await release();
  });
});

describe("errors other than a held lock", () => {
  it("are not waited out: a project path that is a file fails at once with the system's error", async () => {
    const file = join(tmp(), "not-a-folder");
    writeFileSync(file, "");
    await expect(acquireProjectLock(file, "dev sync", { timeoutMs: 60_000 })).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it("a file where the state folder goes fails at once, saying what to move (not ten minutes of waiting)", async () => {
    const root = tmp();
    writeFileSync(join(root, ".create-stack"), "");
    await expect(acquireProjectLock(root, "dev sync", { timeoutMs: 60_000 })).rejects.toMatchObject({
      code: "E_WRITE",
      message: "could not write the project: .create-stack is a file where create-stack keeps its state folder",
      hint: expect.stringMatching(/^move \.create-stack away/),
    });
  });

  it("a lock file removed by hand (as the hint says) does not make its holder's release fail", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev up");
    rmSync(lockFile(root));
    await release();
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });
});

describe("releasing the lock", () => {
  it("removes only its own lock, and the state folder only when nothing else is in it", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "first");
    // Taken over meanwhile (this holder was thought dead): the newer lock stays.
    writeFileSync(lockFile(root), JSON.stringify({ pid: process.pid, token: "newer", what: "second" }));
    await release();
    expect(JSON.parse(readFileSync(lockFile(root), "utf8")).token).toBe("newer");

    const other = tmp();
    mkdirSync(join(other, ".create-stack"));
    writeFileSync(join(other, ".create-stack", "stopped.json"), "{}");
    await withProjectLock(other, "dev stop", async () => undefined);
    expect(existsSync(lockFile(other))).toBe(false);
    expect(existsSync(join(other, ".create-stack", "stopped.json"))).toBe(true);
  });

  it("withProjectLock releases when its work fails, and passes the failure on", async () => {
    const root = tmp();
    await expect(withProjectLock(root, "dev sync", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withProjectLock(root, "dev sync", async () => 42, { timeoutMs: 200 })).toBe(42);
  });
});

/**
 * Takes the project lock in a process of its own (the source bundled with esbuild) and holds it
 * until release() closes its stdin.
 */
function holdLockInChild(root: string, what: string) {
  const bundle = join(mkdtempSync(join(tmpdir(), "lock-child-")), "project-lock.mjs");
  const source = new URL("./project-lock.ts", import.meta.url);
  // import.meta.url as in the source, so the bundle finds the package's files as the source does.
  buildSync({ entryPoints: [fileURLToPath(source)], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "error", define: { "import.meta.url": JSON.stringify(source.href) } });
  const script = `const { acquireProjectLock } = await import(process.argv[1]);
const release = await acquireProjectLock(process.argv[2], process.argv[3]);
process.stdout.write("held\\n");
process.stdin.resume();
process.stdin.on("end", async () => { await release(); process.exit(0); });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, bundle, root, what], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const held = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
    child.on("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return {
    pid: child.pid,
    held,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
