import { describe, expect, it } from "vitest";
import { interpolate, InterpolationError } from "./interpolate.js";

const env: Record<string, string> = { A: "a", EMPTY: "", PORT: "5432" };
const look = (n: string) => env[n];
const run = (t: string) => interpolate(t, look).value;

describe("interpolate", () => {
  it.each([
    ["plain", "plain"],
    ["$A", "a"],
    ["${A}", "a"],
    ["x${A}y$A", "xaya"],
    ["${MISSING:-def}", "def"],
    ["${EMPTY:-def}", "def"],
    ["${EMPTY-def}", ""],
    ["${MISSING-def}", "def"],
    ["${A:-def}", "a"],
    ["${A:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${MISSING+alt}", ""],
    ["$$A", "$A"],
    ["$${A}", "${A}"],
    ["cost: 5$", "cost: 5$"],
    ["${MISSING:-${A}}", "a"],
    ["${MISSING:-${ALSO:-deep}}", "deep"],
    ["127.0.0.1:${PORT}:5432", "127.0.0.1:5432:5432"],
    ["${MISSING:-a b:c}", "a b:c"],
  ])("%s -> %s", (text, expected) => {
    expect(run(text)).toBe(expected);
  });

  it("reports variables with no value and no default, substituting nothing", () => {
    expect(interpolate("${NOPE}-$ALSO_NOPE", look)).toEqual({ value: "-", unset: ["NOPE", "ALSO_NOPE"] });
    expect(interpolate("${NOPE:-x}", look).unset).toEqual([]);
  });

  it("refuses a required variable that is unset (:? also when empty, ? only when unset)", () => {
    expect(() => run("${MISSING:?set it}")).toThrow(/required variable MISSING is missing a value: set it/);
    expect(() => run("${EMPTY:?}")).toThrow(InterpolationError);
    expect(run("${EMPTY?x}")).toBe("");
    expect(() => run("${MISSING?need it}")).toThrow(/need it/);
    expect(run("${A:?x}")).toBe("a");
  });

  it("refuses malformed substitutions, saying where", () => {
    expect(() => run("x ${A")).toThrow(/no closing brace/);
    const err = (() => {
      try {
        run("ab ${1bad}");
      } catch (e) {
        return e as InterpolationError;
      }
    })();
    expect(err?.offset).toBe(3);
    expect(() => run("${A:x}")).toThrow(/invalid interpolation format/);
  });
});
