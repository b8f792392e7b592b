import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { parseStack } from "./parse-stack.js";
import { validateStack } from "./validate-stack.js";

function problems(reload: string): StackError[] {
  try {
    const parsed = parseStack(`version: 1\nname: shop\npresets: []\nservices:\n  api: { template: python-http, reload: ${reload} }\n`, "stack.yaml");
    validateStack(parsed.config, loadPresets(), parsed);
    return [];
  } catch (err) {
    if (err instanceof StackErrors) return err.errors;
    if (err instanceof StackError) return [err];
    throw err;
  }
}

describe("stack.yaml reload:", () => {
  it("takes true, false, process and container", () => {
    for (const v of ["true", "false", "process", "container"]) expect(problems(v), v).toEqual([]);
  });

  it("anything else is an error at its line and column", () => {
    const [err] = problems("restart");
    expect(err?.location).toMatchObject({ file: "stack.yaml", line: 5 });
    expect(err?.message).toBe('services.api.reload must be equal to one of the allowed values: [true,false,"process","container"]');
  });
});
