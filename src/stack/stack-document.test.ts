import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { spliceAddService, spliceRemoveService } from "./splice-stack.js";
import { addPresetToDocument, removeServiceFromDocument, STACK_TEXT_OPTIONS } from "./stack-document.js";

const USER_FILE = `# my team's stack
version: 1
name: shop # the shop
presets: [postgres]

services:
  # the main API
  api:
    template: python-http
    route: /api   # public
  worker: { template: worker, path: services/api }
`;

describe("stack.yaml edits keep the user's comments, order and formatting", () => {
  it("adds a service at the end, every other byte unchanged", () => {
    const text = spliceAddService(USER_FILE, parseDocument(USER_FILE), "billing", { template: "python-http", port: 8000, route: "/billing", depends_on: ["postgres"] });
    expect(text).toBe(`${USER_FILE}  billing:
    template: python-http
    port: 8000
    route: /billing
    depends_on: [postgres]
`);
  });

  it("adds in the middle of a file, before what follows the services", () => {
    const file = USER_FILE + "\nimages:\n  python:3.12-slim: mirror/python:3.12-slim\n";
    const text = spliceAddService(file, parseDocument(file), "cache", { image: "memcached:1.6" })!;
    expect(text).toBe(USER_FILE + "  cache:\n    image: memcached:1.6\n\nimages:\n  python:3.12-slim: mirror/python:3.12-slim\n");
  });

  it("removes exactly one service's lines", () => {
    expect(spliceRemoveService(USER_FILE, parseDocument(USER_FILE), "worker")).toBe(USER_FILE.replace("  worker: { template: worker, path: services/api }\n", ""));
    const text = spliceRemoveService(USER_FILE, parseDocument(USER_FILE), "api")!;
    expect(text).toBe(USER_FILE.replace("  api:\n    template: python-http\n    route: /api   # public\n", ""));
  });

  it("removes a service and adds a preset without touching the rest", () => {
    const doc = parseDocument(USER_FILE);
    removeServiceFromDocument(doc, "worker");
    addPresetToDocument(doc, "redis");
    const text = doc.toString(STACK_TEXT_OPTIONS);
    expect(text).toContain("# my team's stack\n");
    expect(text).toContain("name: shop # the shop\n");
    expect(text).toContain("presets: [postgres, redis]\n");
    expect(text).toContain("  # the main API\n  api:\n    template: python-http\n    route: /api # public\n");
    expect(text).not.toContain("worker");
  });
});
