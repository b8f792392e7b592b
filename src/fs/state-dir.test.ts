import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE } from "./package-paths.js";
import { readStateJson, SCHEMA_COPY, statePath, writeSchemaCopy, writeStateJson } from "./state-dir.js";

const project = () => mkdtempSync(join(tmpdir(), "state-dir-"));

describe("the project's state folder", () => {
  it("state is kept in .create-stack, as JSON that reads back; a missing or broken file reads as nothing", async () => {
    const root = project();
    expect(await readStateJson(root, "stopped.json")).toBeUndefined();
    await writeStateJson(root, "stopped.json", { api: { at: 1 } });
    expect(statePath(root, "stopped.json")).toBe(join(root, ".create-stack", "stopped.json"));
    expect(readFileSync(join(root, ".create-stack", "stopped.json"), "utf8")).toBe('{\n  "api": {\n    "at": 1\n  }\n}\n');
    expect(await readStateJson(root, "stopped.json")).toEqual({ api: { at: 1 } });
    writeFileSync(join(root, ".create-stack", "stopped.json"), '{"api": ');
    expect(await readStateJson(root, "stopped.json")).toBeUndefined();
    // Written whole each time, and nothing else is left beside it.
    await writeStateJson(root, "stopped.json", {});
    expect(readdirSync(join(root, ".create-stack"))).toEqual(["stopped.json"]);
  });

  it("a record holding a secret is readable by its owner only (made with that mode, whatever the umask)", async () => {
    const root = project();
    const old = process.umask(0);
    try {
      await writeStateJson(root, "dashboard.json", { url: "http://127.0.0.1:1/?token=t" }, { mode: 0o600 });
      expect(statSync(statePath(root, "dashboard.json")).mode & 0o777).toBe(0o600);
      await writeStateJson(root, "other.json", {});
      expect(statSync(statePath(root, "other.json")).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(old);
    }
  });

  it("a failed write leaves the old state and no temp file, and says why", async () => {
    const root = project();
    await writeStateJson(root, "counts.json", { api: 1 });
    // A folder where the file goes: the rename fails after the temp file was written.
    mkdirSync(join(root, ".create-stack", "blocked.json"));
    writeFileSync(join(root, ".create-stack", "blocked.json", "x"), "");
    await expect(writeStateJson(root, "blocked.json", { a: 1 })).rejects.toThrow(/blocked\.json/);
    expect(readdirSync(join(root, ".create-stack")).sort()).toEqual(["blocked.json", "counts.json"]);
    expect(await readStateJson(root, "counts.json")).toEqual({ api: 1 });
  });

  it("the schema copy is the installed schema, rewritten only when it differs", async () => {
    const root = project();
    await writeSchemaCopy(root);
    const copy = join(root, SCHEMA_COPY);
    expect(SCHEMA_COPY).toBe(".create-stack/stack.schema.json");
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(SCHEMA_FILE, "utf8"));
    // Unchanged: not written again (every dev command calls this).
    const before = statSync(copy).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await writeSchemaCopy(root);
    expect(statSync(copy).mtimeMs).toBe(before);
    writeFileSync(copy, "{}");
    await writeSchemaCopy(root);
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(SCHEMA_FILE, "utf8"));
  });
});
