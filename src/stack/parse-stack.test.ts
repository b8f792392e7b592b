import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { parseStack } from "./parse-stack.js";

function errorsOf(text: string): StackError[] {
  try {
    parseStack(text, "stack.yaml");
  } catch (err) {
    if (err instanceof StackErrors) return err.errors;
    if (err instanceof StackError) return [err];
    throw err;
  }
  throw new Error("expected an error");
}

describe("parseStack", () => {
  it("reads a valid stack and fills defaults", () => {
    const { config } = parseStack("version: 1\nname: shop\nservices:\n  api: { template: python-http, port: 8000 }\n");
    expect(config).toMatchObject({ name: "shop", presets: [], images: {}, health: { interval: "3s", retries: 20 } });
    expect(config.services.api).toEqual({ template: "python-http", port: 8000 });
  });

  it("reports YAML syntax errors with line and column", () => {
    const [e] = errorsOf("version: 1\nname: shop\nservices:\n  api:\n    port: [8000\n");
    expect(e!.code).toBe("E_STACK_YAML");
    expect(e!.location?.file).toBe("stack.yaml");
    expect(e!.location?.line).toBeGreaterThanOrEqual(5);
    expect(e!.exitCode).toBe(2);
  });

  it("an empty after_start or command list says what an item looks like, at the list", () => {
    const [hooks] = errorsOf("version: 1\nname: shop\nservices:\n  api:\n    template: python-http\n    after_start: []\n");
    expect(hooks).toMatchObject({ code: "E_STACK_SCHEMA", message: "services.api.after_start is an empty list", location: { line: 6, col: 18 }, hint: expect.stringMatching(/^list at least one shell command, e\.g\. after_start: \[/) });
    const [command] = errorsOf("version: 1\nname: shop\nservices:\n  api:\n    template: python-http\n    command: []\n");
    expect(command).toMatchObject({ message: "services.api.command is an empty list", location: { line: 6, col: 14 }, hint: expect.stringMatching(/^give the command and its arguments, e\.g\. command: \[python/) });
  });

  it("reports an unknown key at the key itself", () => {
    const [e] = errorsOf("version: 1\nname: shop\nservices:\n  api:\n    template: python-http\n    prot: 8000\n");
    expect(e).toMatchObject({ code: "E_STACK_SCHEMA", message: 'unknown key "prot" in services.api', location: { file: "stack.yaml", line: 6, col: 5 } });
  });

  it("reports bad names, ports and several problems at once", () => {
    const errors = errorsOf("version: 1\nname: My_Shop\nservices:\n  Api:\n    port: 70000\n");
    expect(errors.map((e) => e.location?.line).sort()).toEqual([2, 4, 5]);
    expect(errors.find((e) => e.location?.line === 2)!.message).toContain('"My_Shop" is not a valid name');
    expect(errors.find((e) => e.location?.line === 4)!.message).toContain('"Api" is not a valid name');
    expect(errors.find((e) => e.location?.line === 5)!.message).toMatch(/port must be <= 65535/);
  });

  it("requires version and name", () => {
    expect(errorsOf("services: {}\n").map((e) => e.message).sort()).toEqual(['missing required key "name"', 'missing required key "version"']);
  });
});
