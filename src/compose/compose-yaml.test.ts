import { describe, expect, it } from "vitest";
import { DuplicateKeyError, get, toPlain, type ComposeNode } from "./compose-node.js";
import { lineIndex, parseComposeYaml, YamlSyntaxError } from "./compose-yaml.js";

const parse = (text: string) => parseComposeYaml(text, "/p/c.yml");
const written = (text: string, node: ComposeNode | undefined) => text.slice(node!.origin.range![0], node!.origin.range![1]);

describe("parseComposeYaml: values", () => {
  it("reads plain scalars by the YAML 1.2 core schema, quoted ones as strings", () => {
    const text = "a: 1\nb: 1.5\nc: true\nd: no\ne: null\nf: ~\ng: '1'\nh: \"true\"\ni: 0x1f\nj: 0o17\nk: 80:80\nl: 1e3\nm:\nn: !!str 5\n";
    expect(toPlain(parse(text))).toEqual({ a: 1, b: 1.5, c: true, d: "no", e: null, f: null, g: "1", h: "true", i: 31, j: 15, k: "80:80", l: 1000, m: null, n: "5" });
  });

  it("decodes escapes, folded and literal blocks", () => {
    const text = 'a: "x\\ty \\"q\\""\nb: |\n  one\n  two\nc: >-\n  folded\n  line\nd: \'it\'\'s\'\n';
    expect(toPlain(parse(text))).toEqual({ a: 'x\ty "q"', b: "one\ntwo\n", c: "folded line", d: "it's" });
  });

  it("keys are text: numbers and booleans in canonical form, null as empty", () => {
    expect([...(parse("8080: a\ntrue: b\n1.0: c\n") as { entries: Map<string, unknown> }).entries.keys()]).toEqual(["8080", "true", "1"]);
  });

  it("follows aliases as copies and applies << merge keys: written keys win, then earlier sources", () => {
    const text = ["x-a: &a {A: 1, B: 1}", "x-b: &b {B: 2, C: 2}", "s:", "  <<: [*a, *b]", "  C: 3", "  D: *a", '  "<<": literal', ""].join("\n");
    const node = parse(text);
    expect(toPlain(get(node, "s"))).toEqual({ A: 1, B: 1, C: 3, D: { A: 1, B: 1 }, "<<": "literal" });
    // An alias is a copy: interpolation mutates values in place, the anchor must not change with it.
    expect(get(node, "s", "D")).not.toBe(get(node, "x-a"));
    expect(get(node, "s", "A")!.origin.line).toBe(1);
  });

  it("keeps !reset and !override; a bare !reset is null", () => {
    const node = parse("ports: !reset []\nenv: !override {A: 1}\nimage: !reset\n");
    expect(get(node, "ports")).toMatchObject({ kind: "seq", tag: "reset" });
    expect(get(node, "env")).toMatchObject({ kind: "map", tag: "override" });
    expect(get(node, "image")).toMatchObject({ kind: "scalar", tag: "reset", value: null });
  });

  it("an empty file has no node; a comment-only one neither", () => {
    expect(parse("")).toBeUndefined();
    expect(parse("# nothing\n")).toBeUndefined();
  });
});

describe("parseComposeYaml: where each value was written", () => {
  it("ranges cover what was written: quotes included, block scalars from their header", () => {
    const text = ["services:", "  db:", "    ports:", '      - "5432:5432"', "      - 6379:6379   # cache", "    command: |", "      run", "    image: 'postgres:16'", ""].join("\n");
    const node = parse(text);
    const ports = get(node, "services", "db", "ports");
    expect(ports?.kind === "seq" && ports.items.map((p) => written(text, p))).toEqual(['"5432:5432"', "6379:6379"]);
    expect(ports?.kind === "seq" && ports.items[1]!.origin).toMatchObject({ line: 5, col: 9 });
    expect(written(text, get(node, "services", "db", "command"))).toBe("|\n      run");
    expect(written(text, get(node, "services", "db", "image"))).toBe("'postgres:16'");
    expect(get(node, "services", "db", "image")!.origin).toMatchObject({ line: 8, col: 12 });
    expect(get(node, "services", "db", "ports")!.origin).toMatchObject({ line: 4, col: 7 });
  });

  it("a key's own position, and an empty value placed right after its key", () => {
    const text = "services:\n  web:\n    image:\n";
    const node = parse(text);
    const svc = get(node, "services", "web");
    const entry = svc?.kind === "map" ? svc.entries.get("image") : undefined;
    expect(entry?.keyOrigin).toMatchObject({ line: 3, col: 5, range: [21, 26] });
    expect(entry?.value.origin.range).toEqual([26, 26]);
  });

  it("flow collections end at their closing bracket", () => {
    const text = "a: [1, 2]  # c\nb: {x: 1}\nc: []\n";
    const node = parse(text);
    expect(written(text, get(node, "a"))).toBe("[1, 2]");
    expect(written(text, get(node, "b"))).toBe("{x: 1}");
    expect(written(text, get(node, "c"))).toBe("[]");
  });

  it("lineIndex maps offsets to 1-based lines and columns", () => {
    const at = lineIndex("ab\ncd\n\nef");
    expect([0, 1, 3, 6, 7, 8].map(at)).toEqual([
      { line: 1, col: 1 },
      { line: 1, col: 2 },
      { line: 2, col: 1 },
      { line: 3, col: 1 },
      { line: 4, col: 1 },
      { line: 4, col: 2 },
    ]);
  });
});

describe("parseComposeYaml: bad input", () => {
  const error = (text: string) => {
    try {
      parse(text);
    } catch (err) {
      return err;
    }
    throw new Error("no error");
  };

  it("a syntax error is located", () => {
    const err = error("services:\n  a:\n    image: x\n   bad: [\n");
    expect(err).toBeInstanceOf(YamlSyntaxError);
    expect((err as YamlSyntaxError).origin.line).toBeGreaterThanOrEqual(3);
  });

  it("a key written twice is an error at the second", () => {
    const err = error("a:\n  x: 1\n  y: 2\n  x: 3\n");
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect((err as DuplicateKeyError).origin).toMatchObject({ line: 4, col: 3 });
  });

  it("stops at more aliases than allowed, before expanding them", () => {
    expect(() => parseComposeYaml("a: &a 1\nb: *a\n", "c.yml", { maxAliases: 0 })).toThrow(YamlSyntaxError);
    expect(toPlain(parseComposeYaml("a: &a 1\nb: *a\n", "c.yml", { maxAliases: 1 }))).toEqual({ a: 1, b: 1 });
  });

  it("a billion-laughs file stops at the copy budget, at the alias that crosses it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const err = error(levels.join("\n") + "\n");
    expect(err).toBeInstanceOf(YamlSyntaxError);
    expect((err as YamlSyntaxError).message).toMatch(/aliases expand to more than 250000 values/);
    expect((err as YamlSyntaxError).origin.line).toBe(6);
  });

  it("anchors a real file uses (a block aliased into 500 services) stay within the budget", () => {
    const common = "x-common: &common\n  restart: unless-stopped\n  environment: {" + Array.from({ length: 40 }, (_, i) => `K${i}: v${i}`).join(", ") + "}\n";
    const services = Array.from({ length: 500 }, (_, i) => `  s${i}:\n    <<: *common\n    image: app:${i}\n`).join("");
    const model = toPlain(parse(common + "services:\n" + services)) as { services: Record<string, { restart: string }> };
    expect(Object.keys(model.services)).toHaveLength(500);
    expect(model.services.s499!.restart).toBe("unless-stopped");
    expect(() => parseComposeYaml("a: &a [1, 2, 3]\nb: [*a, *a]\n", "c.yml", { maxAliasCopies: 7 })).toThrow(/more than 7 values/);
  });

  it("an alias to no anchor, and a second document, are errors", () => {
    expect(error("a: *nowhere\n")).toBeInstanceOf(Error);
    const second = error("a: 1\n---\nb: 2\n");
    expect(second).toBeInstanceOf(YamlSyntaxError);
    expect((second as YamlSyntaxError).origin.line).toBe(2);
  });
});
