import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageTags } from "./image-tag.js";

function repo(): { top: string; project: string; git: (...args: string[]) => string } {
  const top = mkdtempSync(join(tmpdir(), "create-stack-tags-"));
  const project = join(top, "apps", "shop");
  for (const dir of ["services/api", "services/api2", "services/worker"]) {
    mkdirSync(join(project, dir), { recursive: true });
    writeFileSync(join(project, dir, "app.py"), `# ${dir}\n`);
  }
  writeFileSync(join(project, "stack.yaml"), "version: 1\n");
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: top, encoding: "utf8" });
  return { top, project, git };
}

const CONTEXTS = { api: "services/api", api2: "services/api2", worker: "services/worker", all: "." };

describe("imageTags", () => {
  it("without git: nogit- and a hash that changes only with the folder's files", async () => {
    const { project } = repo();
    const first = await imageTags(project, CONTEXTS);
    expect(first.tags.api).toMatch(/^nogit-[0-9a-f]{12}$/);
    expect(first.rule).toBe("no git: nogit- and a hash of the build folder");
    writeFileSync(join(project, "services/worker/app.py"), "changed\n");
    const second = await imageTags(project, CONTEXTS);
    expect(second.tags.api).toBe(first.tags.api);
    expect(second.tags.worker).not.toBe(first.tags.worker);
  });

  it("in a repository (the project in a subfolder): the commit, or -dirty- for exactly the folders with uncommitted changes", async () => {
    const { top, project, git } = repo();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    const commit = git("rev-parse", "--short=12", "HEAD").trim();
    const clean = await imageTags(project, CONTEXTS);
    expect(clean.tags).toEqual({ api: commit, api2: commit, worker: commit, all: commit });
    expect(clean.rule).toBe(`git commit ${commit}`);

    // An edit in api2 leaves api (a name it starts with) clean; "." covers the whole project.
    writeFileSync(join(project, "services/api2/app.py"), "changed\n");
    const edited = await imageTags(project, CONTEXTS);
    expect(edited.tags.api).toBe(commit);
    expect(edited.tags.worker).toBe(commit);
    expect(edited.tags.api2).toMatch(new RegExp(`^${commit}-dirty-[0-9a-f]{12}$`));
    expect(edited.tags.all).toMatch(new RegExp(`^${commit}-dirty-`));

    // Untracked files and renames count; files outside the project do not.
    writeFileSync(join(project, "services/worker/new.py"), "x\n");
    git("mv", "apps/shop/services/api/app.py", "apps/shop/services/api/main.py");
    writeFileSync(join(top, "elsewhere.txt"), "x\n");
    const more = await imageTags(project, { api: "services/api", worker: "services/worker" });
    expect(more.tags.api).toMatch(/-dirty-/);
    expect(more.tags.worker).toMatch(/-dirty-/);
    git("add", "-A");
    git("commit", "-qm", "more");
    const next = git("rev-parse", "--short=12", "HEAD").trim();
    expect((await imageTags(project, CONTEXTS)).tags).toEqual({ api: next, api2: next, worker: next, all: next });
    renameSync(join(project, "services/api/main.py"), join(project, "services/api/moved.py"));
    expect((await imageTags(project, CONTEXTS)).tags.api).toMatch(/-dirty-/);
  });

  it("a project at the repository's root: \".\" is dirty with any change in it", async () => {
    const { top, git } = repo();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    const commit = git("rev-parse", "--short=12", "HEAD").trim();
    expect((await imageTags(top, { all: ".", api: "apps/shop/services/api" })).tags).toEqual({ all: commit, api: commit });
    writeFileSync(join(top, "README.md"), "x\n");
    const tags = (await imageTags(top, { all: ".", api: "apps/shop/services/api" })).tags;
    expect(tags.all).toMatch(/-dirty-/);
    expect(tags.api).toBe(commit);
  });
});
