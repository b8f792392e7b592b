import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseStack } from "./parse-stack.js";
import { DEFAULT_HEALTH, type StackConfig } from "./stack-config.js";
import {
  addPresetToDocument, createStackDocument, removeServiceFromDocument, SCHEMA_URL, setServiceInDocument, stackToData, STACK_TEXT_OPTIONS,
} from "./stack-document.js";
import { locate } from "./yaml-location.js";

const base: StackConfig = {
  version: 1, name: "shop", presets: ["postgres", "redis"], services: { api: { template: "python-http", port: 8000, depends_on: ["postgres", "redis"] } },
  images: {}, health: { ...DEFAULT_HEALTH }, ignore: [],
};

describe("a new stack.yaml", () => {
  it("leaves out what equals the defaults", () => {
    expect(stackToData(base)).toEqual({ version: 1, name: "shop", presets: ["postgres", "redis"], services: base.services });
    const custom = stackToData({ ...base, images: { "a:1": "b:1" }, health: { ...DEFAULT_HEALTH, interval: "1s", retries: 5 }, ignore: ["*.tmp"] });
    expect(custom).toMatchObject({ images: { "a:1": "b:1" }, health: { interval: "1s", retries: 5 }, ignore: ["*.tmp"] });
    expect(Object.keys(custom.health as object)).toEqual(["interval", "retries"]);
  });

  it("reads back as the same stack, with the schema line, comments on each section and short lists on one line", () => {
    const stack = { ...base, images: { "a:1": "b:1" }, ignore: ["*.tmp"], health: { ...DEFAULT_HEALTH, interval: "1s" } };
    const text = createStackDocument(stack).toString(STACK_TEXT_OPTIONS);
    expect(parseStack(text).config).toEqual(stack);
    expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
    expect(text).toContain("\n\nversion: 1\n# Project name: compose project name and prefix of proxy router names.\nname: shop\n");
    expect(text).toContain("\n\n# Add-ons, proxy and tools. Add one later with: dev add preset NAME\npresets: [postgres, redis]\n");
    expect(text).toContain("depends_on: [postgres, redis]\n");
    for (const heading of ["# Your services.", "# Image overrides", "# Timing of every generated healthcheck.", "# Extra globs the watcher ignores."]) {
      expect(text, heading).toContain(heading);
    }
    expect(text).toMatch(/# Project name: .*\nname: shop/);
    expect(text).not.toMatch(/\n\nname:/);
    expect(text).toMatch(/\n\n# Your services\./);
  });
});

describe("editing a parsed stack.yaml", () => {
  const USER = "# mine\nversion: 1\nname: shop # keep\npresets: [postgres]\nservices:\n  api:\n    template: python-http # why\n";

  it("sets a service, keeping comments, with lists on one line", () => {
    const doc = parseDocument(USER);
    setServiceInDocument(doc, "web", { image: "nginx", depends_on: ["api"], command: ["nginx", "-g", "daemon off;"], watch: ["conf"] });
    const text = doc.toString(STACK_TEXT_OPTIONS);
    expect(text).toContain("# mine\n");
    expect(text).toContain("name: shop # keep\n");
    expect(text).toContain("template: python-http # why\n");
    expect(text).toContain("  web:\n    image: nginx\n    depends_on: [api]\n    command: [nginx, -g, daemon off;]\n    watch: [conf]\n");
    setServiceInDocument(doc, "web", { image: "httpd" });
    expect(parseStack(doc.toString()).config.services.web).toEqual({ image: "httpd" });
  });

  it("a stack made without services (services: {}) grows as a block, one service per entry", () => {
    const doc = parseDocument("version: 1\nname: shop\nservices: {}\n");
    setServiceInDocument(doc, "api", { image: "nginx", depends_on: ["db"] });
    setServiceInDocument(doc, "db", { image: "postgres:16" });
    expect(doc.toString(STACK_TEXT_OPTIONS)).toBe("version: 1\nname: shop\nservices:\n  api:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres:16\n");
  });

  it("creates the services mapping when the file has none", () => {
    const doc = parseDocument("version: 1\nname: shop\n");
    setServiceInDocument(doc, "api", { image: "x" });
    expect(parseStack(doc.toString()).config.services).toEqual({ api: { image: "x" } });
  });

  it("adds a preset to the list, or starts one", () => {
    const doc = parseDocument(USER);
    addPresetToDocument(doc, "redis");
    expect(doc.toString(STACK_TEXT_OPTIONS)).toContain("presets: [postgres, redis]\n");
    const none = parseDocument("version: 1\nname: shop\n");
    addPresetToDocument(none, "redis");
    expect(parseStack(none.toString()).config.presets).toEqual(["redis"]);
  });

  it("removes a service, and says whether there was one", () => {
    const doc = parseDocument(USER);
    expect(removeServiceFromDocument(doc, "ghost")).toBe(false);
    expect(removeServiceFromDocument(doc, "api")).toBe(true);
    expect(parseStack(doc.toString()).config.services).toEqual({});
  });
});

describe("locating a path in stack.yaml", () => {
  const text = "version: 1\nname: shop\nservices:\n  api:\n    port: 80\n    depends_on: [a, b]\n";
  const parsed = parseStack(text);
  const at = (path: (string | number)[], which?: "key" | "value") => locate(parsed.doc, parsed.lineCounter, "s.yaml", path, which);

  it("a value, a key, a list item", () => {
    expect(at(["services", "api", "port"])).toEqual({ file: "s.yaml", line: 5, col: 11 });
    expect(at(["services", "api", "port"], "key")).toEqual({ file: "s.yaml", line: 5, col: 5 });
    expect(at(["services", "api", "depends_on", 1])).toEqual({ file: "s.yaml", line: 6, col: 21 });
    expect(at(["name"], "key")).toEqual({ file: "s.yaml", line: 2, col: 1 });
  });

  it("a missing key falls back to the nearest parent that exists", () => {
    expect(at(["services", "api", "route"])).toEqual({ file: "s.yaml", line: 5, col: 5 });
    expect(at(["services", "api", "route"], "key")).toEqual({ file: "s.yaml", line: 5, col: 5 });
    expect(at(["nothing", "here"])).toEqual({ file: "s.yaml", line: 1, col: 1 });
    expect(at([])).toEqual({ file: "s.yaml", line: 1, col: 1 });
  });

  it("an empty document has no place to point at", () => {
    const empty = parseDocument("");
    expect(locate(empty, parseStack("version: 1\nname: x\n").lineCounter, "s.yaml", ["name"])).toEqual({ file: "s.yaml" });
  });
});

describe("stack.yaml's comment on services", () => {
  it("lists every shipped template", async () => {
    const { loadPresets } = await import("../presets/load-presets.js");
    const { TEMPLATES } = await import("./stack-document.js");
    expect([...TEMPLATES].sort()).toEqual(loadPresets().names("service").sort());
    const text = createStackDocument(base).toString(STACK_TEXT_OPTIONS);
    for (const t of TEMPLATES) expect(text).toContain(t);
    expect(text).toMatch(/template: starter code \(python-http, fastapi, worker, node-http, node, django\);/);
  });
});
