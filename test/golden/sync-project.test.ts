import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildStackConfig } from "../../src/create/build-stack-config.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { syncProject } from "../../src/plan/sync-project.js";
import { loadProject } from "../../src/stack/load-project.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../../src/stack/stack-document.js";

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "sync-"));
  const stack = buildStackConfig({ name: "shop", presets: ["python-http", "redis", "worker"], proxy: "nginx", images: {} }, loadPresets());
  writeFileSync(join(root, "stack.yaml"), createStackDocument(stack).toString(STACK_TEXT_OPTIONS));
  return root;
}

describe("dev sync: generated files brought up to date with stack.yaml", () => {
  it("a dry run plans every file and writes none", async () => {
    const root = project();
    const { plan, written } = await syncProject(loadProject(root), { dryRun: true });
    expect(written).toEqual([]);
    expect(plan.files.map((f) => f.path)).toEqual(expect.arrayContaining(["compose.yaml", ".env", "proxy/nginx/default.conf", "services/api/requirements.txt"]));
    expect(existsSync(join(root, "compose.yaml"))).toBe(false);
  });

  it("writes what changed, then nothing on a second run; a new stack.yaml text is written with it", async () => {
    const root = project();
    const first = await syncProject(loadProject(root));
    expect(first.written).toEqual(expect.arrayContaining(["compose.yaml", ".env", "proxy/nginx/default.conf"]));
    expect(readFileSync(join(root, "services/api/requirements.txt"), "utf8")).toBe("celery\nredis\n");
    expect((await syncProject(loadProject(root))).written).toEqual([]);
    const text = readFileSync(join(root, "stack.yaml"), "utf8") + "# touched\n";
    const third = await syncProject(loadProject(root), { stackText: text });
    expect(third.written).toEqual(["stack.yaml"]);
    expect(readFileSync(join(root, "stack.yaml"), "utf8")).toBe(text);
  });

  it("refuses, writing nothing, when a generated file was edited by hand", async () => {
    const root = project();
    await syncProject(loadProject(root));
    writeFileSync(join(root, "compose.yaml"), readFileSync(join(root, "compose.yaml"), "utf8") + "# mine\n");
    writeFileSync(join(root, "stack.yaml"), readFileSync(join(root, "stack.yaml"), "utf8").replace("presets: [", "presets: [postgres, "));
    const env = readFileSync(join(root, ".env"), "utf8");
    await expect(syncProject(loadProject(root))).rejects.toMatchObject({ code: "E_USER_EDITED" });
    expect(readFileSync(join(root, ".env"), "utf8")).toBe(env);
  });
});
