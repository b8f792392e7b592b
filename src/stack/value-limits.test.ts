import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { ENV_VALUE_MAX_BYTES, envValueProblem } from "./env-value.js";
import { parseStack } from "./parse-stack.js";
import { ROUTE_MAX, routeProblem } from "./route.js";
import { validateStack } from "./validate-stack.js";

function errorsOf(text: string): StackError[] {
  const parsed = parseStack(text);
  try {
    validateStack(parsed.config, loadPresets(), parsed);
    return [];
  } catch (err) {
    return (err as { errors?: StackError[] }).errors ?? [err as StackError];
  }
}

describe("limits every proxy and compose accept, checked before anything is written", () => {
  it("a route of up to 1,024 characters passes; longer is refused (nginx refuses a config word over about 4 KiB)", () => {
    expect(routeProblem(`/${"a".repeat(ROUTE_MAX - 1)}`)).toBeUndefined();
    expect(routeProblem(`/${"a".repeat(ROUTE_MAX)}`)).toMatch(/is 1025 characters long; the limit is 1024/);
    const errors = errorsOf(`version: 1\nname: shop\npresets: [nginx]\nservices:\n  api: { template: python-http, route: /${"a".repeat(4100)} }\n`);
    expect(errors.map((e) => [e.code, e.location?.line, e.exitCode])).toEqual([["E_ROUTE_INVALID", 5, 2]]);
    expect(errors[0]!.message.length).toBeLessThan(200);
  });

  it("an env value over 65,536 bytes, or holding a NUL, is refused at its line", () => {
    expect(envValueProblem("A", "x".repeat(ENV_VALUE_MAX_BYTES))).toBeUndefined();
    expect(envValueProblem("A", "x".repeat(ENV_VALUE_MAX_BYTES + 1))).toMatch(/65,537 bytes long; the limit is 65,536/);
    // Bytes, not characters: é is two bytes in UTF-8.
    expect(envValueProblem("A", "é".repeat(ENV_VALUE_MAX_BYTES / 2 + 1))).toMatch(/65,538 bytes/);
    expect(envValueProblem("A", "a\0b")).toMatch(/NUL/);
    const errors = errorsOf(`version: 1\nname: shop\nservices:\n  api:\n    template: python-http\n    env:\n      OK: fine\n      BIG: ${"x".repeat(70_000)}\n      NUL: "a\\0b"\n`);
    expect(errors.map((e) => [e.code, e.location?.line, e.location?.col, e.exitCode])).toEqual([["E_ENV_VALUE_INVALID", 8, 12, 2], ["E_ENV_VALUE_INVALID", 9, 12, 2]]);
  });
});

describe("env values YAML reads as numbers keep the text written", () => {
  it("3.10, 0x1F, 012, a 20-digit number, 1e3, True and .inf stay as written; quoted values and strings are unchanged", () => {
    const parsed = parseStack([
      "version: 1", "name: shop", "services:", "  api:", "    template: python-http", "    env:",
      "      A: 3.10", "      B: 0x1F", "      C: 012", "      D: 12345678901234567890", "      E: 1e3", "      F: True", "      G: .inf",
      '      H: "3.10"', "      I: plain", "      J: 0o17", "      K: -0.0", "",
    ].join("\n"));
    expect(parsed.config.services.api!.env).toEqual({
      A: "3.10", B: "0x1F", C: "012", D: "12345678901234567890", E: "1e3", F: "True", G: ".inf", H: "3.10", I: "plain", J: "0o17", K: "-0.0",
    });
  });
});
