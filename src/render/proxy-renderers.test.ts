import { describe, expect, it } from "vitest";
import type { Preset } from "../presets/preset.js";
import { proxyGeneratedPaths, proxyRenderer, proxyRendererNames } from "./proxy-renderers.js";

describe("proxy renderers", () => {
  it("name, without rendering, every path their files() write", () => {
    for (const name of proxyRendererNames()) {
      const renderer = proxyRenderer({ name, proxy: { renderer: name } } as unknown as Preset);
      const written = (renderer.files?.("project", []) ?? []).map((f) => f.path);
      expect(renderer.filePaths ?? [], name).toEqual(written);
    }
    expect(proxyGeneratedPaths()).toContain("proxy/nginx/default.conf");
  });
});
