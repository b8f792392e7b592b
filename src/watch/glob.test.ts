import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ignoreMatcher } from "./glob.js";
import { gitignoreToGlobs, readGitignore } from "./read-gitignore.js";

const matches = (glob: string, path: string) => ignoreMatcher([glob])(path);

describe("ignore globs", () => {
  it("* stays within one folder, ** crosses folders", () => {
    expect(matches("*.py", "app.py")).toBe(true);
    expect(matches("*.py", "src/app.py")).toBe(false);
    expect(matches("**/*.py", "app.py")).toBe(true);
    expect(matches("**/*.py", "src/deep/app.py")).toBe(true);
    expect(matches("src/**", "src/a/b.txt")).toBe(true);
    expect(matches("src/**", "lib/src/a")).toBe(false);
    expect(matches("a/**/b", "a/x/y/b")).toBe(true);
    expect(matches("a/**/b", "a/b")).toBe(true);
    // `**` not alone in its segment is a plain `*`, as git and picomatch read it.
    expect(matches("a**", "a/b/c")).toBe(false);
    expect(matches("a**", "abc")).toBe(true);
    expect(matches("**.log", "a/b.log")).toBe(true);
    expect(matches("**.log", "changelog")).toBe(false);
    expect(matches("**a", "xyz")).toBe(false);
  });

  it("? is one character, never a slash", () => {
    expect(matches("a?c", "abc")).toBe(true);
    expect(matches("a?c", "a/c")).toBe(false);
    expect(matches("a?c", "ac")).toBe(false);
    expect(matches("a?c", "abbc")).toBe(false);
  });

  it("every other character is literal, and the whole path must match", () => {
    expect(matches("a.b", "axb")).toBe(false);
    expect(matches("a.b", "a.b")).toBe(true);
    expect(matches("(x)+[y]{z}$^|\\", "(x)+[y]{z}$^|\\")).toBe(true);
    expect(matches("lib", "mylib")).toBe(false);
    expect(matches("lib", "lib/x")).toBe(false);
    expect(matches("lib", "lib")).toBe(true);
  });

  it("a path is ignored when any glob matches it", () => {
    const ignored = ignoreMatcher(["**/*.log", "tmp/**"]);
    expect(ignored("a/b.log")).toBe(true);
    expect(ignored("tmp/x")).toBe(true);
    expect(ignored("src/x.py")).toBe(false);
    expect(ignoreMatcher([])("anything")).toBe(false);
  });
});

describe(".gitignore lines as globs", () => {
  it("a bare name matches at any depth, as a file or a folder", () => {
    const ignored = ignoreMatcher(gitignoreToGlobs("secrets.json\n"));
    expect(ignored("secrets.json")).toBe(true);
    expect(ignored("a/b/secrets.json")).toBe(true);
    expect(ignored("secrets.json/inner")).toBe(true);
    expect(ignored("secrets.json.bak")).toBe(false);
  });

  it("a trailing slash means a folder only; a leading or inner slash anchors at the root", () => {
    expect(gitignoreToGlobs("out/\n/build\ndocs/api\n")).toEqual(["**/out/**", "build", "build/**", "docs/api", "docs/api/**"]);
    const ignored = ignoreMatcher(gitignoreToGlobs("/build\n"));
    expect(ignored("build/x.js")).toBe(true);
    expect(ignored("src/build/x.js")).toBe(false);
  });

  it("skips comments, blank lines and negations; reads CRLF files and trims spaces", () => {
    expect(gitignoreToGlobs("# c\r\n\r\n!keep\r\n  *.tmp  \r\ncache//\r\n")).toEqual(["**/*.tmp", "**/*.tmp/**", "**/cache/**"]);
  });

  it("reads the project's .gitignore, and none is no globs", () => {
    const root = mkdtempSync(join(tmpdir(), "gitignore-"));
    expect(readGitignore(root)).toEqual([]);
    writeFileSync(join(root, ".gitignore"), "*.tmp\n");
    expect(readGitignore(root)).toEqual(["**/*.tmp", "**/*.tmp/**"]);
    mkdirSync(join(root, "sub"));
    expect(readGitignore(join(root, "sub"))).toEqual([]);
  });
});

describe("default ignores", () => {
  it("each covers what it is for, at any depth, and not its look-alikes", async () => {
    const { DEFAULT_IGNORES } = await import("./default-ignores.js");
    const ignored = ignoreMatcher(DEFAULT_IGNORES);
    const noise = [
      ".git/objects/ab/cd", "web/node_modules/x/i.js", "api/__pycache__/m.cpython-312.pyc", ".venv/bin/python", "api/venv/lib/x.py",
      "web/dist/app.js", "api/build/lib/x.py", ".pytest_cache/v/x", "api/.mypy_cache/3.12/x.json", "api/old.pyc", "api/.app.py.swp",
      "api/.app.py.swx", "api/app.py~", "api/.#app.py", "api/4913", "api/.app.py.create-stack-1a2b3c4d",
    ];
    for (const p of noise) expect(ignored(p), p).toBe(true);
    for (const p of ["api/app.py", "api/distance.py", "api/builder.py", "web/dist.js", "api/49130", "api/venvs.txt", "api/create-stack.py", ".github/workflows/ci.yml"]) {
      expect(ignored(p), p).toBe(false);
    }
  });
});

describe("ordered globs (rebuild_on)", () => {
  it("the last match decides; ! takes back what came before", async () => {
    const { orderedMatcher } = await import("./glob.js");
    const m = orderedMatcher(["**", "!app/**", "Dockerfile", "app/requirements.txt"]);
    expect(m("lib/util.py")).toBe(true);
    expect(m("app/main.py")).toBe(false);
    expect(m("app/requirements.txt")).toBe(true);
    expect(m("Dockerfile")).toBe(true);
    expect(orderedMatcher(["!app/**"])("lib/x")).toBe(false);
    expect(orderedMatcher(["Dockerfile", "requirements.txt"])("requirements.txt")).toBe(true);
  });
});
