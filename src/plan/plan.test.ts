import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedState, withGeneratedHeader } from "../fs/generated-header.js";
import { flushPlan } from "../fs/flush-plan.js";
import { mergeEnvFile } from "../render/env-file.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import { mergeLines, requirementName } from "../render/merge-lines.js";
import { memoryReader } from "../fs/disk-reader.js";
import { diffPlan } from "./diff-plan.js";
import type { EnvEntry } from "./env-entries.js";
import { resolveEnv } from "./resolve-env.js";

describe(".env handling", () => {
  it("keeps what the user set, appends what is missing, rewrites only managed keys", () => {
    const existing = "# mine\nPOSTGRES_PASSWORD=hunter2\nCOMPOSE_FILE=compose.yaml\nEXTRA=1\n";
    const merged = mergeEnvFile(existing, [
      { key: "POSTGRES_PASSWORD", value: "new" },
      { key: "COMPOSE_FILE", value: "compose.yaml:compose.dev.yaml" },
      { key: "REDIS_PORT", value: "6380" },
    ], new Set(["COMPOSE_FILE"]));
    const env = parseEnvFile(merged);
    expect(env.get("POSTGRES_PASSWORD")).toBe("hunter2");
    expect(env.get("COMPOSE_FILE")).toBe("compose.yaml:compose.dev.yaml");
    expect(env.get("REDIS_PORT")).toBe("6380");
    expect(merged.startsWith("# mine\n")).toBe(true);
    expect(env.get("EXTRA")).toBe("1");
  });

  it("fills secrets and free ports once; existing values are never rotated", async () => {
    const entries: EnvEntry[] = [
      { key: "A_PASSWORD", spec: { secret: true }, group: "a" },
      { key: "B_PASSWORD", spec: { secret: true }, group: "b" },
      { key: "A_PORT", spec: { port: 5432 }, group: "a" },
      { key: "B_PORT", spec: { port: 5432 }, group: "b" },
      { key: "COMPOSE_FILE", spec: { value: "compose.yaml:compose.dev.yaml" }, group: "c", managed: true },
    ];
    const fresh = await resolveEnv(entries, new Map(), async (preferred, taken) => (taken.has(preferred) ? preferred + 1 : preferred));
    expect(fresh.values.A_PASSWORD).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh.values.A_PASSWORD).not.toBe(fresh.values.B_PASSWORD);
    expect([fresh.values.A_PORT, fresh.values.B_PORT]).toEqual(["5432", "5433"]);
    const again = await resolveEnv(entries, new Map([["A_PASSWORD", "kept"], ["A_PORT", "6000"], ["COMPOSE_FILE", "compose.yaml:mine.yaml"]]), async (p) => p);
    expect(again.values.A_PASSWORD).toBe("kept");
    expect(again.values.A_PORT).toBe("6000");
    expect(again.values.COMPOSE_FILE).toBe("compose.yaml:compose.dev.yaml:mine.yaml");
    expect(again.filled).toEqual(["B_PASSWORD", "B_PORT"]);
  });
});

describe("list files the user owns", () => {
  it("adds missing requirements by package name, keeping the user's pins and comments", () => {
    const merged = mergeLines("# deps\nCelery[redis]>=5.2\n", ["celery", "redis"], requirementName);
    expect(merged).toBe("# deps\nCelery[redis]>=5.2\nredis\n");
    expect(mergeLines(undefined, [".env"])).toBe(".env\n");
  });
});

describe("generated files", () => {
  it("tells a pristine file from a hand-edited one", () => {
    const text = withGeneratedHeader("services:\n  api: {}\n");
    expect(generatedState(text)).toBe("pristine");
    expect(generatedState(text.replace("api", "app"))).toBe("edited");
    expect(generatedState("services: {}\n")).toBe("edited");
  });

  it("diffs: starters are kept, pristine generated files updated, edited ones are conflicts", () => {
    const pristine = withGeneratedHeader("old\n");
    const files = diffPlan(
      [
        { path: "a.py", content: "new", owner: "starter" },
        { path: "compose.yaml", content: withGeneratedHeader("new\n"), owner: "generated" },
        { path: "compose.dev.yaml", content: withGeneratedHeader("new\n"), owner: "generated" },
        { path: "fresh.yaml", content: "x", owner: "generated" },
        { path: "same.yaml", content: "same", owner: "generated" },
      ],
      memoryReader({ "a.py": "mine", "compose.yaml": pristine, "compose.dev.yaml": pristine + "# my tweak\n", "same.yaml": "same" }),
    );
    expect(files.map((f) => [f.path, f.action])).toEqual([
      ["a.py", "skip"],
      ["compose.yaml", "update"],
      ["compose.dev.yaml", "conflict"],
      ["fresh.yaml", "create"],
      ["same.yaml", "unchanged"],
    ]);
  });
});

describe("flushPlan", () => {
  it("writes every file, .env with mode 0600, and leaves no temp files", async () => {
    const root = mkdtempSync(join(tmpdir(), "flush-"));
    await flushPlan({
      root,
      notes: [],
      files: [
        { path: "a/b/c.txt", content: "c", owner: "generated", action: "create" },
        { path: ".env", content: "S=1\n", owner: "merge", action: "create", mode: 0o600 },
        { path: "kept.txt", content: "no", owner: "starter", action: "skip" },
      ],
    });
    expect(readFileSync(join(root, "a/b/c.txt"), "utf8")).toBe("c");
    expect(statSync(join(root, ".env")).mode & 0o777).toBe(0o600);
    expect(readdirSync(root).sort()).toEqual([".create-stack", ".env", "a"]);
    // No temp file, lock or journal is left; only the record of created files.
    expect(readdirSync(join(root, ".create-stack"))).toEqual(["created.json"]);
  });

  it("writes nothing when one file cannot be written", async () => {
    const root = mkdtempSync(join(tmpdir(), "flush-"));
    mkdirSync(join(root, "blocked"));
    writeFileSync(join(root, "blocked", "x"), "a file where a folder must go");
    await expect(
      flushPlan({
        root,
        notes: [],
        files: [
          { path: "first.txt", content: "1", owner: "generated", action: "create" },
          { path: "blocked/x/inner.txt", content: "2", owner: "generated", action: "create" },
        ],
      }),
    ).rejects.toMatchObject({ code: "E_WRITE" });
    expect(readdirSync(root)).toEqual(["blocked"]);
    expect(readdirSync(join(root, "blocked"))).toEqual(["x"]);
  });
});
