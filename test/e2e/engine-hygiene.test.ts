import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, leftovers, projectImages, removeProject, sh, tempDir, testImage, uniqueName } from "./support.js";

// A build step that fails leaves the container it ran in on the classic builder (compose v1's),
// one per failed build, on the user's engine. Each failing step here carries a marker of its own,
// so the check finds exactly that build's container on an engine others use too.
const project = uniqueName("cs-e2e-hygiene");
let root = "";
let dockerfile = "";
let original = "";
const dev = (args: string[], timeoutMs?: number) => sh("node", [DEV, ...args], { cwd: root, env: { NO_COLOR: "1" }, timeoutMs });
const failingStep = (marker: string) => `RUN echo ${marker} && exit 3\n`;

/** Containers (any state) whose command holds the marker: what a failed build step left. */
async function containersOfStep(marker: string): Promise<string[]> {
  const out = await sh("docker", ["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}"]);
  return out.stdout.split("\n").filter((l) => l.includes(marker));
}

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--preset", "python-http", "--proxy", "nginx", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  dockerfile = join(root, "services/api/Dockerfile");
  original = await readFile(dockerfile, "utf8");
});

afterAll(async () => {
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("failed builds and test cleanup leave nothing on the engine", () => {
  it("dev up whose build fails leaves no container", async () => {
    const marker = `${project}-up`;
    await appendFile(dockerfile, failingStep(marker));
    const up = await dev(["up", "--no-watch"]);
    expect(up.code, up.stdout + up.stderr).toBe(1);
    expect(up.stderr).toContain(marker);
    expect(await containersOfStep(marker)).toEqual([]);
  });

  it("dev build whose build fails leaves no container", async () => {
    const marker = `${project}-build`;
    await writeFile(dockerfile, original + failingStep(marker));
    const built = await dev(["build", "api"]);
    expect(built.code, built.stdout + built.stderr).toBe(1);
    expect(built.stderr).toContain(marker);
    expect(await containersOfStep(marker)).toEqual([]);
  });

  it("dev add service whose build fails leaves no container", async () => {
    await writeFile(dockerfile, original);
    const up = await dev(["up", "--no-watch"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const marker = `${project}-add`;
    await mkdir(join(root, "services/broken"), { recursive: true });
    await writeFile(join(root, "services/broken/Dockerfile"), `FROM ${testImage("python")}\n${failingStep(marker)}CMD ["sleep", "infinity"]\n`);
    const added = await dev(["add", "service", "broken"]);
    expect(added.code, added.stdout + added.stderr).toBe(1);
    expect(added.stderr).toContain(marker);
    expect(await containersOfStep(marker)).toEqual([]);
    expect((await dev(["remove", "service", "broken"])).code).toBe(0);
  });

  it("a rebuild by the watcher that fails leaves no container", async () => {
    const watcher = new DevProcess(root, ["up"]);
    try {
      await watcher.waitFor(/^watching /, { timeoutMs: 300_000 });
      const marker = `${project}-watch`;
      const from = watcher.lines.length;
      await writeFile(dockerfile, original + failingStep(marker));
      await watcher.waitFor(/save a fix \(services\/api\/Dockerfile/, { from, timeoutMs: 120_000 });
      expect(await containersOfStep(marker)).toEqual([]);
    } finally {
      watcher.kill();
    }
  });

  it("removeProject takes the project's containers, networks, volumes and built images", async () => {
    expect(await projectImages(project)).not.toEqual([]);
    await removeProject(project);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(await projectImages(project)).toEqual([]);
  });
});
