import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadPresets } from "../presets/load-presets.js";
import { planAddPreset } from "../edit/plan-add-preset.js";
import { planRemoveService } from "../edit/plan-remove-service.js";
import type { Project } from "./load-project.js";
import { parseStack } from "./parse-stack.js";
import { resolveServices } from "./resolve-services.js";
import { stackTextLike } from "./stack-text.js";

const FOUR = [
  "# our shop",
  "version: 1",
  "name: shop",
  "presets:",
  "    - postgres",
  "    - redis",
  "services:",
  "    api:",
  "        template: python-http",
  "        port: 8000",
  "        depends_on:",
  "            - postgres",
  "    worker:",
  "        template: worker",
  "        path: services/api",
  "        depends_on: [api]",
  "",
].join("\n");

function project(text: string): Project {
  const parsed = parseStack(text);
  const presets = loadPresets();
  return { root: "/project", stackFile: "/project/stack.yaml", parsed, presets, services: resolveServices(parsed.config, presets) };
}

/** Every line's indentation is a multiple of `step`, and some line is indented by exactly `step`. */
function expectStep(text: string, step: number): void {
  const indents = text.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.length - l.trimStart().length);
  expect(indents.every((n) => n % step === 0), text).toBe(true);
  expect(indents).toContain(step);
}

describe("a re-written stack.yaml keeps the file's own layout", () => {
  it("dev add preset on a 4-space file: the file stays 4-space, comments kept", () => {
    const next = planAddPreset(project(FOUR), "nginx");
    expect(next.parsed.config.presets).toEqual(["postgres", "redis", "nginx"]);
    expectStep(next.stackText, 4);
    expect(next.stackText).toMatch(/^# our shop\n/);
    expect(next.stackText).toContain("\n    - postgres\n    - redis\n    - nginx\n");
  });

  it("a CRLF file stays CRLF, every line of it, after an edit that re-serialises", () => {
    const crlf = FOUR.replace(/\n/g, "\r\n");
    const next = planRemoveService(project(crlf), "api");
    expect(next.stackText.replace(/\r\n/g, "")).not.toContain("\n");
    expect(next.stackText.split("\r\n").length).toBeGreaterThan(5);
    expectStep(next.stackText, 4);
    expect(Object.keys(next.parsed.config.services)).toEqual(["worker"]);
  });

  it("lists written at their key's column stay there; indented lists stay indented", () => {
    const flush = "version: 1\nname: shop\npresets:\n- postgres\nservices:\n  api:\n    template: python-http\n";
    const doc = parseDocument(flush);
    expect(stackTextLike(doc, flush)).toBe(flush);
    const indented = flush.replace("\n- postgres", "\n  - postgres");
    expect(stackTextLike(parseDocument(indented), indented)).toBe(indented);
  });

  it("the step and the list style are read from content lines only, wherever the first list is", () => {
    // An odd comment indented by 1 and a blank line of spaces say nothing about the layout; the
    // first list comes after a mapping key that is not a list's.
    const text = "version: 1\nname: shop\nservices:\n    api:\n        image: nginx\n # odd comment\n   \n";
    expect(stackTextLike(parseDocument(text), text)).toContain("services:\n    api:\n        image: nginx\n");
    const lists = "version: 1\nservices:\n  api:\n    image: nginx\npresets:\n- postgres\n";
    expect(stackTextLike(parseDocument(lists), lists)).toBe(lists);
  });

  it("a file with nothing indented is written with the usual 2 spaces", () => {
    const flat = "version: 1\nname: shop\nservices: {}\n";
    const doc = parseDocument(flat);
    doc.setIn(["services", "api"], doc.createNode({ image: "nginx" }));
    (doc.get("services", true) as { flow?: boolean }).flow = false;
    expect(stackTextLike(doc, flat)).toBe("version: 1\nname: shop\nservices:\n  api:\n    image: nginx\n");
  });

  it("the list style is read from a key with a comment after it, and from lists nested in services", () => {
    const between = "version: 1\nname: shop\npresets:\n# add-ons\n\n- postgres\n";
    expect(planAddPreset(project(between), "redis").stackText).toMatch(/\n- postgres\n- redis\n$/);
    const commented = "version: 1\nname: shop\npresets: # add-ons\n- postgres\n";
    expect(planAddPreset(project(commented), "redis").stackText).toMatch(/\n- postgres\n- redis\n$/);
    const nested = "version: 1\nname: shop\nservices:\n  api:\n    image: nginx\n    depends_on:\n    - web\n  web:\n    image: httpd\n";
    expect(planAddPreset(project(nested), "redis").stackText).toBe(`${nested}presets:\n- redis\n`);
  });

  it("a file with no block list gets indented lists; a value whose comment ends in a colon is no key", () => {
    const flowOnly = "version: 1\nname: shop\nservices:\n  api:\n    image: nginx # pinned:\n";
    expect(planAddPreset(project(flowOnly), "redis").stackText).toBe(`${flowOnly}presets:\n  - redis\n`);
  });
});
