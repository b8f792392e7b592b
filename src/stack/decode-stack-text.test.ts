import { describe, expect, it } from "vitest";
import { decodeStackText } from "./decode-stack-text.js";

describe("stack.yaml's bytes", () => {
  it("UTF-8 reads as it is", () => {
    expect(decodeStackText(Buffer.from("name: café # ☕\n"), "stack.yaml")).toBe("name: café # ☕\n");
  });

  it("a byte that is not UTF-8 (0xE9, Latin-1 é) is refused at its line and column, exit 2", () => {
    const bytes = Buffer.concat([Buffer.from("name: shop\n# caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    expect(() => decodeStackText(bytes, "stack.yaml")).toThrow(expect.objectContaining({ code: "E_STACK_YAML", exitCode: 2, message: "stack.yaml is not UTF-8: byte 0xE9 at line 2, column 6", location: { file: "stack.yaml", line: 2, col: 6 } }));
    const later = Buffer.concat([Buffer.from("name: é"), Buffer.from([0xc3])]);
    expect(() => decodeStackText(later, "stack.yaml")).toThrow(expect.objectContaining({ location: { file: "stack.yaml", line: 1, col: 8 } }));
  });
});
