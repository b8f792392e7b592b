import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stringifyCompose } from "../render/compose-yaml.js";
import { stringifyPlain } from "./plain-yaml.js";

/** A small seeded generator: the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const SPECIAL = [
  "", " ", "null", "Null", "NULL", "~", "true", "True", "FALSE", "yes", "no", "on", "y", "Y", "n", "N", "No", "YES", "On", "OFF", "off", "0", "-1", "+1", "007", "0o17", "0x1F", "1e3", "1.5", ".5", ".inf", "-.inf", ".nan",
  "1_000", "12:30", "2024-01-01", "<<", "=", "-", "?", "- a", "? a", "a: b", "a:b", "a:", ":a", "a #b", "a#b", "#a", "--- x", "---", "...", "a\nb", "a\n", " a", "a ", "\ta",
  "'q'", '"q"', "it's", 'say "hi"', "[a]", "{a}", "a,b", "&a", "*a", "!a", "|a", ">a", "%a", "@a", "`a", "$(VAR)", "$$HOME", "${X}", "a/b", "/a", "_a", "é", "a\u2028b",
  "line1\nline2", "a\n\n", "a\n\n\n", "\n", "\n\n", "\nlead", " lead\nx", "a\n b", "a\n\tb", "a \nb", "a\n ", "a\r\nb", "a\n\nb\n", "#a\nb", "- a\n- b",
  "a: b\nc", "a\n---\nb", "a\n...\nb", "---\na", 'set -e\nX="$$(cat /run/secrets/p)"\nexport Y="$${X}"\nexec app',
  "postgres://u:$(P)@db:5432/app", "registry.example.com/team/big-api:nogit-018ce35b20c7", "app.kubernetes.io/name", "node.role == manager", "CMD-SHELL", "sh -c 'exit 0'",
];
const KEYS = ["name", "image", "app.kubernetes.io/part-of", "a b", "1", "10", "x:y", "-k", "true", "", "k#", "traefik.http.routers.api.rule", "<<", "é", "a\nb", "_x", "$(V)"];
const CHARS = "abcXYZ019 :#-?{}[],&*!|>'\"%@`\n\t$()=/._\\é";

/** Random data; with plainKeys, keys this module writes itself (no fallback to the yaml package). */
function value(rnd: () => number, depth: number, plainKeys = false): unknown {
  const r = rnd();
  if (depth < 4 && r < 0.25) {
    const n = Math.floor(rnd() * 4);
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) obj[plainKeys || rnd() < 0.8 ? KEYS[Math.floor(rnd() * 6)]! + (i ? String(i) : "") : KEYS[Math.floor(rnd() * KEYS.length)]!] = value(rnd, depth + 1, plainKeys);
    return obj;
  }
  if (depth < 4 && r < 0.45) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1, plainKeys));
  if (r < 0.6) return SPECIAL[Math.floor(rnd() * SPECIAL.length)];
  if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 12) }, () => CHARS[Math.floor(rnd() * CHARS.length)]).join("");
  if (r < 0.8) return [0, -1, 42, 65535, 1.5, -0, 1e21, Number.NaN, Number.POSITIVE_INFINITY][Math.floor(rnd() * 9)];
  if (r < 0.85) return rnd() < 0.5;
  if (r < 0.9) return null;
  if (r < 0.93) return undefined;
  return rnd() < 0.5 ? "plain-value" : "registry.example.com/team/app:1.2.3";
}

describe("stringifyPlain", () => {
  it("writes what the yaml package writes, on random data full of YAML's special cases", () => {
    const rnd = random(12);
    for (let i = 0; i < 4000; i++) {
      const plainKeys = i % 2 === 0;
      const data = { kind: "Test", spec: value(rnd, 0, plainKeys), items: [value(rnd, 1, plainKeys), value(rnd, 1, plainKeys)] };
      expect(stringifyPlain(data), JSON.stringify(data)).toBe(stringifyCompose(data));
    }
  });

  it("writes nested layouts and empty collections as the yaml package does", () => {
    for (const data of [
      {},
      [],
      { a: {}, b: [], c: [[], {}], d: [[["x"]], [{ e: [{ f: {} }] }]] },
      { a: { b: { c: [1, 2, { d: null, e: true }] } } },
      [{ a: 1, b: [{ c: 2 }] }, ["x", ["y", "z"]]],
      { skipped: undefined, kept: 1 },
      { only: undefined },
      "top",
      42,
      null,
    ]) {
      expect(stringifyPlain(data), JSON.stringify(data)).toBe(stringifyCompose(data));
    }
  });

  it("writes what YAML 1.1 readers (docker stack deploy, kubectl) read back as the same strings", () => {
    const env = { DEBUG: "on", FEATURE: "yes", ANSWER: "n", OFF: "Off", AT: "12:30", N: "1_000", DAY: "2024-01-01", OCT: "0o17", MERGE: "<<", EQ: "=" };
    const text = stringifyPlain({ services: { api: { environment: env } } });
    expect(parse(text, { version: "1.1" })).toEqual({ services: { api: { environment: env } } });
    expect(parse(text, { version: "1.2" })).toEqual({ services: { api: { environment: env } } });
  });
});
