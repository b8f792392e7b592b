import { readdirSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../fs/package-paths.js";
import { ERROR_CODES } from "./error-codes.js";

describe("error codes", () => {
  it("README lists exactly the codes src/errors/error-codes.ts defines, with the same meaning", () => {
    const readme = readFileSync(`${PACKAGE_ROOT}/README.md`, "utf8");
    const block = readme.slice(readme.indexOf("<!-- error-codes:start -->"), readme.indexOf("<!-- error-codes:end -->"));
    const listed = Object.fromEntries([...block.matchAll(/^- `(E_[A-Z_]+)`: (.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(listed).toEqual(ERROR_CODES);
  });

  it("every code thrown in src/ is in the list (the type checker enforces it; this guards casts)", () => {
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = `${dir}/${name}`;
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) for (const m of readFileSync(full, "utf8").matchAll(/"(E_[A-Z_]+)"/g)) used.add(m[1]!);
      }
    };
    walk(`${PACKAGE_ROOT}/src`);
    expect([...used].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });
});
