import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildContextDigest } from "./build-context-digest.js";

let dir = "";
const write = (rel: string, text: string) => {
  mkdirSync(join(dir, rel, ".."), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
const digest = () => buildContextDigest(dir, join(dir, "Dockerfile"));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "context-digest-"));
  write("Dockerfile", "FROM alpine\nCOPY . .\n");
  write(".dockerignore", "__pycache__/\n*.pyc\n.venv/\n");
  write("app.py", "print(1)\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("buildContextDigest", () => {
  it("changes with a file sent to the builder, its mode, the Dockerfile and .dockerignore", () => {
    const seen = new Set([digest()]);
    expect(digest()).toBe([...seen][0]);
    write("app.py", "print(2)\n");
    seen.add(digest());
    write("lib/util.py", "x = 1\n");
    seen.add(digest());
    chmodSync(join(dir, "lib/util.py"), 0o755);
    seen.add(digest());
    write("Dockerfile", "FROM alpine\nCOPY . /app\n");
    seen.add(digest());
    write(".dockerignore", "__pycache__/\n");
    seen.add(digest());
    expect(seen.size).toBe(6);
  });

  it("does not change with what .dockerignore keeps out", () => {
    const before = digest();
    write("__pycache__/app.cpython-312.pyc", "x");
    write("stale.pyc", "x");
    write(".venv/bin/python", "x");
    expect(digest()).toBe(before);
    // Docker's rules: `*.pyc` matches at the context's root only.
    write("lib/deep.pyc", "x");
    expect(digest()).not.toBe(before);
  });

  it("an exception (!) brings a file back from an ignored folder", () => {
    write(".dockerignore", "data\n!data/keep.txt\n");
    write("data/drop.txt", "a");
    write("data/keep.txt", "a");
    const before = digest();
    write("data/drop.txt", "b");
    expect(digest()).toBe(before);
    write("data/keep.txt", "b");
    expect(digest()).not.toBe(before);
  });

  it("cannot tell for a context it cannot read whole (a file it cannot open): never throws", async () => {
    // A Unix socket in the context: listed, but reading it fails (ENXIO), as a file gone while
    // walking or a folder unreadable here would.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, "app.sock"), resolve));
    try {
      expect(digest()).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("cannot tell for a missing context or a Dockerfile-specific ignore file", () => {
    expect(buildContextDigest(join(dir, "nope"), join(dir, "nope/Dockerfile"))).toBeUndefined();
    write("Dockerfile.dockerignore", "*\n");
    expect(digest()).toBeUndefined();
  });
});
