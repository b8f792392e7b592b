import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withHeader, writeOutputs } from "./prepare-export.js";

describe("an export's files", () => {
  it("land in the chosen folder with nothing of ours beside them, on the first export and the next", async () => {
    const project = mkdtempSync(join(tmpdir(), "cs-export-project-"));
    const out = join(mkdtempSync(join(tmpdir(), "cs-export-out-")), "k8s");
    const manifest = { path: join(out, "base", "kustomization.yaml"), content: withHeader(["Generated."], "resources: []\n") };
    const files = [manifest, { path: join(out, "overlays", "staging", "secrets.env"), content: "KEY=1\n", mode: 0o600, userOwned: true }];
    expect((await writeOutputs(project, files)).sort()).toEqual(files.map((f) => f.path).sort());
    manifest.content = withHeader(["Generated."], "resources: [a.yaml]\n");
    expect(await writeOutputs(project, files)).toEqual([manifest.path]);
    expect(readdirSync(out).sort()).toEqual(["base", "overlays"]);
    expect(readdirSync(join(out, "base"))).toEqual(["kustomization.yaml"]);
    expect(readFileSync(manifest.path, "utf8")).toBe(manifest.content);
    expect(readdirSync(project)).toEqual([]);
  });
});
