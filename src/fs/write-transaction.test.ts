import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { diffPlan, planDeletes } from "../plan/diff-plan.js";
import { memoryReader } from "./disk-reader.js";
import { contentHash } from "./content-hash.js";
import { flushPlan } from "./flush-plan.js";
import { generatedState, withGeneratedHeader } from "./generated-header.js";
import { commitJournal, recoverProject } from "./journal.js";
import { withProjectWrite } from "./project-transaction.js";
import { acquireProjectLock } from "./project-lock.js";

const tmp = () => mkdtempSync(join(tmpdir(), "flush-"));

describe("recoverProject", () => {
  it("rolls a committed journal forward, in order, and removes what it renamed from", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack/tmp/1-.env"), "A=1\n");
    writeFileSync(join(root, ".create-stack/tmp/2-stack.yaml"), "name: x\n");
    writeFileSync(join(root, "old.yaml"), "gone");
    const ops = [
      { op: "rename", tmp: join(root, ".create-stack/tmp/1-.env"), target: join(root, ".env") },
      { op: "rename", tmp: join(root, ".create-stack/tmp/3-done.txt"), target: join(root, "done.txt") },
      { op: "delete", target: join(root, "old.yaml") },
      { op: "rename", tmp: join(root, ".create-stack/tmp/2-stack.yaml"), target: join(root, "sub/stack.yaml") },
    ];
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1, ops }));
    expect(await recoverProject(root)).toMatchObject({ rolledForward: true });
    expect(readFileSync(join(root, ".env"), "utf8")).toBe("A=1\n");
    expect(readFileSync(join(root, "sub/stack.yaml"), "utf8")).toBe("name: x\n");
    expect(existsSync(join(root, "old.yaml"))).toBe(false);
    expect(readdirSync(root).sort()).toEqual([".env", "sub"]);
  });

  it("without a committed journal, removes the temp files: the project is as before", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack/tmp/1-.env"), "SECRET=1\n");
    writeFileSync(join(root, ".create-stack/journal.next-0011aabb"), "{\"ops\":[");
    writeFileSync(join(root, ".stack.yaml.create-stack-0a1b2c3d"), "half");
    writeFileSync(join(root, "mine.txt"), "kept");
    expect(await recoverProject(root)).toEqual({ rolledForward: false, removedTemps: 3 });
    expect(readdirSync(root)).toEqual(["mine.txt"]);
  });
});

describe("recoverProject, unusual journals", () => {
  it("a journal that does not parse was never committed: the project is left as it is, the journal goes", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack"), { recursive: true });
    writeFileSync(join(root, "a.txt"), "kept");
    writeFileSync(join(root, ".create-stack/journal"), "{\"ops\":[{\"op\":\"delete\",\"target\":");
    expect(await recoverProject(root)).toEqual({ rolledForward: false, removedTemps: 0 });
    expect(readdirSync(root)).toEqual(["a.txt"]);
  });

  it("a journal without a list of steps is not rolled forward either", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack"), { recursive: true });
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1 }));
    expect(await recoverProject(root)).toEqual({ rolledForward: false, removedTemps: 0 });
    expect(readdirSync(root)).toEqual([]);
  });

  it("a rename into a folder on another filesystem (a mount in the project) completes by a copy", async () => {
    const root = mkdtempSync(join("/dev/shm", "flush-"));
    const elsewhere = tmp();
    expect(statSync(root).dev).not.toBe(statSync(elsewhere).dev);
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    // The journal only moves across into the project's own files: here .env, a link to elsewhere.
    writeFileSync(join(elsewhere, ".env"), "old\n");
    symlinkSync(join(elsewhere, ".env"), join(root, ".env"));
    writeFileSync(join(root, ".create-stack/tmp/1-.env"), "moved\n");
    const ops = [{ op: "rename", tmp: join(root, ".create-stack/tmp/1-.env"), target: join(elsewhere, ".env") }];
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1, ops }));
    try {
      expect(await recoverProject(root)).toMatchObject({ rolledForward: true });
      expect(readFileSync(join(elsewhere, ".env"), "utf8")).toBe("moved\n");
      expect(readdirSync(elsewhere)).toEqual([".env"]);
      expect(readdirSync(root)).toEqual([".env"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a write killed after its commit", () => {
  it("the committed journal alone is enough: the next command completes the write", async () => {
    const root = tmp();
    writeFileSync(join(root, "old.txt"), "old");
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack/tmp/1-new.txt"), "new");
    await commitJournal(root, [
      { op: "rename", tmp: join(root, ".create-stack/tmp/1-new.txt"), target: join(root, "new.txt") },
      { op: "delete", target: join(root, "old.txt") },
    ]);
    // Killed here: nothing was renamed or deleted yet.
    expect(readdirSync(root).sort()).toEqual([".create-stack", "old.txt"]);
    expect(await recoverProject(root)).toEqual({ rolledForward: true, removedTemps: 0 });
    expect(readdirSync(root)).toEqual(["new.txt"]);
    expect(readFileSync(join(root, "new.txt"), "utf8")).toBe("new");
  });

  it("deletes done before the kill, their folders gone too, are done again without failing", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack"), { recursive: true });
    writeFileSync(join(root, "kept.txt"), "k");
    const ops = [{ op: "delete", target: join(root, "proxy/nginx/default.conf") }, { op: "delete", target: join(root, "gone.txt") }];
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1, ops }));
    expect(await recoverProject(root)).toEqual({ rolledForward: true, removedTemps: 0 });
    expect(readdirSync(root)).toEqual(["kept.txt"]);
  });

  it("a roll-forward that cannot complete (a folder now where the file goes) fails and keeps the journal for the next try", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack/tmp/1-compose.yaml"), "new");
    mkdirSync(join(root, "compose.yaml"));
    writeFileSync(join(root, "compose.yaml/x"), "in the way");
    const ops = [{ op: "rename", tmp: join(root, ".create-stack/tmp/1-compose.yaml"), target: join(root, "compose.yaml") }];
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1, ops }));
    await expect(recoverProject(root)).rejects.toThrow(/compose\.yaml/);
    expect(existsSync(join(root, ".create-stack/journal"))).toBe(true);
    expect(readFileSync(join(root, ".create-stack/tmp/1-compose.yaml"), "utf8")).toBe("new");
    // Once the folder is moved away, the next command completes the write.
    rmSync(join(root, "compose.yaml"), { recursive: true });
    expect(await recoverProject(root)).toMatchObject({ rolledForward: true });
    expect(readFileSync(join(root, "compose.yaml"), "utf8")).toBe("new");
  });

  it("a killed write's temp file beside a linked .env's target is removed; a look-alike of the user's stays", async () => {
    const root = tmp();
    const secrets = tmp();
    writeFileSync(join(secrets, "shop.env"), "A=1\n");
    symlinkSync(join(secrets, "shop.env"), join(root, ".env"));
    writeFileSync(join(secrets, ".shop.env.create-stack-0a1b2c3d"), "half");
    writeFileSync(join(root, "my.notes.create-stack-0a1b2c3d"), "mine");
    expect(await recoverProject(root)).toEqual({ rolledForward: false, removedTemps: 1 });
    expect(readdirSync(secrets)).toEqual(["shop.env"]);
    expect(readdirSync(root).sort()).toEqual([".env", "my.notes.create-stack-0a1b2c3d"]);
  });

  it("a project folder that does not exist yet has nothing to recover", async () => {
    expect(await recoverProject(join(tmp(), "new-project"))).toEqual({ rolledForward: false, removedTemps: 0 });
  });
});

describe("withProjectWrite", () => {
  it("recovers what a killed command left, under the lock, before the work; then releases", async () => {
    const root = tmp();
    mkdirSync(join(root, ".create-stack/tmp"), { recursive: true });
    writeFileSync(join(root, ".create-stack/tmp/1-stack.yaml"), "name: shop\n");
    const ops = [{ op: "rename", tmp: join(root, ".create-stack/tmp/1-stack.yaml"), target: join(root, "stack.yaml") }];
    writeFileSync(join(root, ".create-stack/journal"), JSON.stringify({ version: 1, ops }));
    const seen = await withProjectWrite(root, "dev sync", async (recovery) => ({
      recovery,
      stack: readFileSync(join(root, "stack.yaml"), "utf8"),
      lock: JSON.parse(readFileSync(join(root, ".create-stack/lock"), "utf8")).what,
    }));
    expect(seen).toEqual({ recovery: { rolledForward: true, removedTemps: 0 }, stack: "name: shop\n", lock: "dev sync" });
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });

  it("releases the lock when the work fails", async () => {
    const root = tmp();
    await expect(withProjectWrite(root, "dev add service x", async () => Promise.reject(new Error("plan failed")))).rejects.toThrow("plan failed");
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });

  it("tells on stderr who it waits for, unless told otherwise", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    const told: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      told.push(String(chunk));
      return true;
    });
    const stop = new AbortController();
    const waiting = withProjectWrite(root, "dev sync", async () => undefined, { signal: stop.signal });
    try {
      for (let i = 0; i < 500 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      write.mockRestore();
      stop.abort();
    }
    await expect(waiting).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(told).toEqual([`waiting for another command writing this project: dev add service billing (pid ${process.pid})\n`]);
    const quiet: string[] = [];
    const stop2 = new AbortController();
    await expect(withProjectWrite(root, "dev sync", async () => undefined, { signal: stop2.signal, onWait: (h) => (quiet.push(h), stop2.abort()) })).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(quiet).toEqual([`dev add service billing (pid ${process.pid})`]);
    await release();
  });
});

describe("flushPlan guards", () => {
  it("refuses a file changed since it was planned, writing nothing", async () => {
    const root = tmp();
    writeFileSync(join(root, "a.txt"), "v1");
    const files = diffPlan([{ path: "a.txt", content: "v2", owner: "merge" }, { path: "b.txt", content: "b", owner: "generated" }], memoryReader({ "a.txt": "v1" }));
    writeFileSync(join(root, "a.txt"), "edited meanwhile");
    await expect(flushPlan({ root, notes: [], files })).rejects.toMatchObject({
      code: "E_CHANGED",
      message: "a.txt changed while this command ran; nothing was written",
      hint: "run the command again: it re-reads the project",
    });
    expect(readdirSync(root)).toEqual(["a.txt"]);
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("edited meanwhile");
  });

  it("refuses a symlinked folder with exit 2 and writes nothing, outside or in", async () => {
    const root = tmp();
    const outside = tmp();
    mkdirSync(join(root, "services"));
    symlinkSync(outside, join(root, "services/x"));
    const plan = { root, notes: [], files: diffPlan([{ path: "ok.txt", content: "1", owner: "generated" as const }, { path: "services/x/app.py", content: "2", owner: "starter" as const }], memoryReader()) };
    await expect(flushPlan(plan)).rejects.toMatchObject({ code: "E_SYMLINK", exitCode: 2 });
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root)).toEqual(["services"]);
  });

  it("deletes pristine generated files a stack no longer wants, keeps edited ones", async () => {
    const pristine = withGeneratedHeader("services: {}\n");
    expect(generatedState(pristine)).toBe("pristine");
    const planned = planDeletes(["compose.proxy.yaml", "proxy/nginx/default.conf", "compose.yaml"], [{ path: "compose.yaml", content: "", owner: "generated" }], memoryReader({ "compose.proxy.yaml": pristine, "proxy/nginx/default.conf": pristine + "# mine\n", "compose.yaml": pristine }));
    expect(planned.map((f) => [f.path, f.action])).toEqual([
      ["compose.proxy.yaml", "delete"],
      ["proxy/nginx/default.conf", "skip"],
    ]);
    expect(planned[0]!.base).toBe(contentHash(pristine));
  });
});

describe("project lock", () => {
  it("is exclusive within the project and released for the next holder", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "first");
    let waitedFor = "";
    const second = acquireProjectLock(root, "second", { onWait: (h) => (waitedFor = h), timeoutMs: 5000 });
    for (let i = 0; i < 200 && !waitedFor; i++) await new Promise((r) => setTimeout(r, 10));
    expect(waitedFor).toBe(`first (pid ${process.pid})`);
    await release();
    await (await second)();
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });

  it("stays exclusive, and never fails, while holders come and go (a release removes the state folder)", async () => {
    const root = tmp();
    let holding = 0;
    let most = 0;
    const worker = async (n: number) => {
      for (let i = 0; i < 25; i++) {
        const release = await acquireProjectLock(root, `worker ${n}`, { timeoutMs: 20_000 });
        most = Math.max(most, ++holding);
        await new Promise((r) => setImmediate(r));
        holding--;
        await release();
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, n) => worker(n)));
    expect(most).toBe(1);
    expect(existsSync(join(root, ".create-stack"))).toBe(false);
  });

  it("gives up with a clear error when the holder stays", async () => {
    const root = tmp();
    const release = await acquireProjectLock(root, "dev add service billing");
    await expect(acquireProjectLock(root, "second", { timeoutMs: 100 })).rejects.toMatchObject({ code: "E_LOCKED", message: expect.stringContaining("dev add service billing") });
    const stop = new AbortController();
    const waiting = acquireProjectLock(root, "dev up (applying stack.yaml)", { signal: stop.signal });
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: "E_ABORTED" });
    await release();
  });
});
