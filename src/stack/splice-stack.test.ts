import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseStack } from "./parse-stack.js";
import { spliceAddService, spliceRemoveService } from "./splice-stack.js";

const BILLING = { template: "python-http", port: 8000, route: "/billing", depends_on: ["postgres"] };

const add = (text: string, name = "billing", service: object = BILLING) => spliceAddService(text, parseDocument(text), name, service);

describe("a new stack.yaml entry follows the file's own layout", () => {
  it("a 4-space file gets a 4-space entry", () => {
    const file = "version: 1\nname: shop\npresets: [postgres]\nservices:\n    api:\n        template: python-http\n        port: 8000\n";
    const text = add(file)!;
    expect(text).toBe(`${file}    billing:\n        template: python-http\n        port: 8000\n        route: /billing\n        depends_on: [postgres]\n`);
    expect(parseStack(text).config.services.billing).toEqual(BILLING);
  });

  it("services indented by 4 with 2 inside keep that mix", () => {
    const file = "version: 1\nname: shop\nservices:\n    api:\n      template: python-http\n";
    expect(add(file, "web", { template: "python-http", port: 8000 })).toBe(`${file}    web:\n      template: python-http\n      port: 8000\n`);
  });

  it("when every service is on one line, the entry nests by the services' own indentation", () => {
    const file = "version: 1\nname: shop\nservices:\n   api: { template: python-http }\n";
    expect(add(file, "web", { template: "python-http", port: 8000 })).toBe(`${file}   web:\n      template: python-http\n      port: 8000\n`);
  });

  it("the nesting step is taken from the first service written as a block, skipping one-line services", () => {
    const file = "version: 1\nname: shop\nservices:\n  cache: { image: memcached }\n  api:\n      template: python-http\n";
    expect(add(file, "web", { image: "nginx" })).toBe(`${file}  web:\n      image: nginx\n`);
  });

  it("a CRLF file stays CRLF, every line of it", () => {
    const lf = "version: 1\nname: shop\npresets: [postgres]\nservices:\n  api:\n    template: python-http\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    const text = add(crlf)!;
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(text).toBe(add(lf)!.replace(/\n/g, "\r\n"));
    expect(parseStack(text).config.services.billing).toEqual(BILLING);
  });

  it("a file without a final newline gets the entry on a line of its own", () => {
    const file = "version: 1\nname: shop\nservices:\n  api:\n    template: python-http";
    expect(add(file, "web", { image: "nginx" })).toBe(`${file}\n  web:\n    image: nginx\n`);
    const crlf = file.replace(/\n/g, "\r\n");
    expect(add(crlf, "web", { image: "nginx" })).toBe(`${crlf}\r\n  web:\r\n    image: nginx\r\n`);
  });

  it("the entry goes after the last service even when it ends in a comment, not after the next key", () => {
    const file = "version: 1\nname: shop\nservices:\n  api:\n    template: python-http # mine\nimages: {}\n";
    expect(add(file, "web", { image: "nginx" })).toBe("version: 1\nname: shop\nservices:\n  api:\n    template: python-http # mine\n  web:\n    image: nginx\nimages: {}\n");
  });

  it("lists in the new entry are written on one line", () => {
    const file = "version: 1\nname: shop\nservices:\n  api:\n    template: python-http\n";
    const text = add(file, "web", { template: "python-http", depends_on: ["api"], watch: ["lib"], command: ["python", "app.py"] })!;
    expect(text).toContain("    depends_on: [api]\n    watch: [lib]\n    command: [python, app.py]\n");
  });

  it("gives up (the caller re-serialises) when services is empty or in flow style", () => {
    expect(add("version: 1\nname: shop\nservices: {}\n")).toBeUndefined();
    expect(add("version: 1\nname: shop\nservices: { api: { image: nginx } }\n")).toBeUndefined();
    expect(add("version: 1\nname: shop\n")).toBeUndefined();
  });
});

describe("removing an entry", () => {
  it("cuts exactly the service's lines, in a CRLF file too", () => {
    const file = "version: 1\r\nname: shop\r\nservices:\r\n  api:\r\n    image: nginx\r\n  web:\r\n    image: httpd\r\nimages: {}\r\n";
    const text = spliceRemoveService(file, parseDocument(file), "api");
    expect(text).toBe("version: 1\r\nname: shop\r\nservices:\r\n  web:\r\n    image: httpd\r\nimages: {}\r\n");
  });

  it("the last service of a file without a final newline", () => {
    const file = "version: 1\nname: shop\nservices:\n  api: { image: nginx }\n  web: { image: httpd }";
    expect(spliceRemoveService(file, parseDocument(file), "web")).toBe("version: 1\nname: shop\nservices:\n  api: { image: nginx }\n");
  });

  it("gives up on an unknown name or a flow-style services map", () => {
    const file = "version: 1\nname: shop\nservices:\n  api: { image: nginx }\n";
    expect(spliceRemoveService(file, parseDocument(file), "ghost")).toBeUndefined();
    const flow = "version: 1\nname: shop\nservices: { api: { image: nginx } }\n";
    expect(spliceRemoveService(flow, parseDocument(flow), "api")).toBeUndefined();
  });
});
