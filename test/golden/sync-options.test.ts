import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildStackConfig } from "../../src/create/build-stack-config.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { syncProject } from "../../src/plan/sync-project.js";
import { loadProject } from "../../src/stack/load-project.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../../src/stack/stack-document.js";

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "sync-opts-"));
  const stack = buildStackConfig({ name: "shop", presets: ["python-http", "redis"], proxy: "nginx", images: {} }, loadPresets());
  writeFileSync(join(root, "stack.yaml"), createStackDocument(stack).toString(STACK_TEXT_OPTIONS));
  return root;
}

describe("what a command asks of a sync", () => {
  it("a dry run writes nothing at all, not even the editor's schema copy", async () => {
    const root = project();
    await syncProject(loadProject(root), { dryRun: true });
    expect(readdirSync(root)).toEqual(["stack.yaml"]);
  });

  it("a removed service's host port leaves .env, the other values kept, and the plan says so", async () => {
    const root = project();
    await syncProject(loadProject(root));
    const before = readFileSync(join(root, ".env"), "utf8");
    expect(before).toMatch(/^API_PORT=\d+$/m);
    const { plan, written } = await syncProject(loadProject(root), { dropEnvKeys: ["API_PORT", "GHOST_PORT"] });
    const after = readFileSync(join(root, ".env"), "utf8");
    expect(written).toEqual([".env"]);
    expect(after).not.toMatch(/^API_PORT=/m);
    expect(after).toBe(before.split("\n").filter((l) => !l.startsWith("API_PORT=")).join("\n"));
    expect(plan.notes).toContain("removed API_PORT from .env");
  });

  it("an edit of stack.yaml made to the text read at the start is refused if the file changed since", async () => {
    const root = project();
    await syncProject(loadProject(root));
    const read = readFileSync(join(root, "stack.yaml"), "utf8");
    const loaded = loadProject(root);
    writeFileSync(join(root, "stack.yaml"), read + "# saved by an editor meanwhile\n");
    await expect(syncProject(loaded, { stackText: read + "# the command's edit\n", stackBase: read })).rejects.toMatchObject({ code: "E_CHANGED" });
    expect(readFileSync(join(root, "stack.yaml"), "utf8")).toBe(read + "# saved by an editor meanwhile\n");
  });

  it("extra files a command adds are written with the plan", async () => {
    const root = project();
    const { written } = await syncProject(loadProject(root), { extra: [{ path: "services/extra/app.py", content: "x = 1\n", owner: "starter", action: "create" }] });
    expect(written).toContain("services/extra/app.py");
    expect(existsSync(join(root, "services/extra/app.py"))).toBe(true);
  });
});
