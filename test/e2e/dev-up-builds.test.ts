import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, projectImages, removeProject, sh, tempDir, uniqueName } from "./support.js";

// dev up builds an image only when it is missing or older than its inputs (the build context's
// files as .dockerignore lets them through, the Dockerfile, build args, base images). A build
// tags the image again, also when every step is cached: the tag time shows whether one ran.
const project = uniqueName("cs-e2e-builds");
let root = "";
const dev = (args: string[]) => sh("node", [DEV, ...args], { cwd: root, env: { NO_COLOR: "1" } });

async function apiImage(): Promise<{ ref: string; id: string; tagged: string }> {
  const ref = (await projectImages(project)).find((r) => /[-_]api:/.test(r));
  expect(ref, "the api image").toBeDefined();
  const out = await sh("docker", ["image", "inspect", "-f", "{{.Id}} {{.Metadata.LastTagTime}}", ref!]);
  const [id, ...tagged] = out.stdout.trim().split(" ");
  return { ref: ref!, id: id!, tagged: tagged.join(" ") };
}

async function upOk(): Promise<string> {
  const up = await dev(["up", "--no-watch"]);
  expect(up.code, up.stdout + up.stderr).toBe(0);
  return up.stdout;
}

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
});

afterAll(async () => {
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("dev up builds only what changed", () => {
  let first: Awaited<ReturnType<typeof apiImage>>;

  it("the first start builds the image", async () => {
    const out = await upOk();
    first = await apiImage();
    expect(out).toMatch(/^built .*\bapi\b/m);
  });

  it("a second start builds nothing: same image, not tagged again", async () => {
    await new Promise((r) => setTimeout(r, 1100));
    expect((await dev(["stop"])).code).toBe(0);
    const out = await upOk();
    expect(await apiImage()).toEqual(first);
    expect(out).toContain("images up to date (nothing to build)");
  });

  it("a file .dockerignore keeps out of the context changes nothing", async () => {
    await writeFile(join(root, "services/api/stale.pyc"), "not sent to the builder");
    const out = await upOk();
    expect(await apiImage()).toEqual(first);
    expect(out).toContain("images up to date (nothing to build)");
  });

  it("an edited file of the context builds again, and the container runs the new image", async () => {
    await appendFile(join(root, "services/api/app.py"), "\n# edited after the first build\n");
    expect(await upOk()).toMatch(/^built .*\bapi\b/m);
    const now = await apiImage();
    expect(now.id).not.toBe(first.id);
    const id = (await sh("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`, "--filter", "label=com.docker.compose.service=api"])).stdout.trim();
    expect((await sh("docker", ["exec", id, "cat", "app.py"])).stdout).toContain("# edited after the first build");
    first = now;
  });

  it("a changed build arg (the base image through stack.yaml) builds again", async () => {
    const stack = join(root, "stack.yaml");
    const text = await readFile(stack, "utf8");
    // The same image under another name: a new build arg, the same base image.
    expect(text).toMatch(/images:/);
    const changed = text.replace(/(python:3\.12-slim:\s*)(\S+)/, (_, k: string, v: string) => `${k}${v.replace(/:latest$/, "")}`);
    expect(changed).not.toBe(text);
    await writeFile(stack, changed);
    expect(await upOk()).toMatch(/^built .*\bapi\b/m);
    expect((await apiImage()).tagged).not.toBe(first.tagged);
  });

  it("after dev build (which always builds), dev up builds nothing", async () => {
    const built = await dev(["build", "api"]);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    const after = await apiImage();
    expect(await upOk()).toContain("images up to date (nothing to build)");
    expect(await apiImage()).toEqual(after);
  });

  it("after the watcher's rebuild (a manifest saved), dev up builds nothing", async () => {
    const before = await apiImage();
    const watcher = new DevProcess(root, ["up", "--no-ui"]);
    try {
      await watcher.waitFor(/^watching /, { timeoutMs: 180_000 });
      const from = watcher.lines.length;
      await appendFile(join(root, "services/api/requirements.txt"), "# saved while watching\n");
      await watcher.waitFor(/^api rebuilt and restarted/, { from, timeoutMs: 180_000 });
      const rebuilt = await apiImage();
      expect(rebuilt.id).not.toBe(before.id);
      watcher.interrupt();
      expect(await watcher.exited, watcher.lines.join("\n")).toBe(0);
      expect(await upOk()).toContain("images up to date (nothing to build)");
      expect(await apiImage()).toEqual(rebuilt);
    } finally {
      watcher.kill();
    }
  });
});
