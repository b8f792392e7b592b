import { describe, expect, it } from "vitest";
import { mapNode, scalarNode, type ComposeNode, type Origin } from "./compose-node.js";
import { dependencies, keyValues, parsePort, parseVolume } from "./short-syntax.js";

const o: Origin = { file: "c.yml", line: 1, col: 1 };
const s = (v: string | number): ComposeNode => scalarNode(o, v);
const m = (obj: Record<string, string | number | boolean>): ComposeNode => mapNode(o, Object.entries(obj).map(([key, v]) => ({ key, keyOrigin: o, value: scalarNode(o, v) })));

describe("parsePort", () => {
  it.each([
    ["80", { target: { start: 80, end: 80 }, protocol: "tcp" }],
    [8080, { target: { start: 8080, end: 8080 }, protocol: "tcp" }],
    ["8080:80", { published: { start: 8080, end: 8080 }, target: { start: 80, end: 80 }, protocol: "tcp" }],
    ["127.0.0.1:5432:5432/tcp", { hostIp: "127.0.0.1", published: { start: 5432, end: 5432 }, target: { start: 5432, end: 5432 }, protocol: "tcp" }],
    ["443:443/udp", { published: { start: 443, end: 443 }, target: { start: 443, end: 443 }, protocol: "udp" }],
    ["9000-9005:9000-9005", { published: { start: 9000, end: 9005 }, target: { start: 9000, end: 9005 }, protocol: "tcp" }],
    ["127.0.0.1::80", { hostIp: "127.0.0.1", target: { start: 80, end: 80 }, protocol: "tcp" }],
    ["[::1]:6379:6379", { hostIp: "::1", published: { start: 6379, end: 6379 }, target: { start: 6379, end: 6379 }, protocol: "tcp" }],
  ] as const)("%s", (text, expected) => {
    const { origin: _o, ...spec } = parsePort(s(text));
    expect(spec).toEqual({ hostIp: undefined, published: undefined, ...expected });
  });

  it("long syntax", () => {
    expect(parsePort(m({ target: 80, published: "8080", host_ip: "0.0.0.0", protocol: "udp" }))).toMatchObject({ hostIp: "0.0.0.0", published: { start: 8080, end: 8080 }, protocol: "udp" });
  });

  it("rejects what compose rejects", () => {
    expect(() => parsePort(s("a:b"))).toThrow(/not a port/);
    expect(() => parsePort(s("1:2:3:4"))).toThrow(/too many colons/);
    expect(() => parsePort(s("70000:80"))).toThrow(/out of/);
  });
});

describe("parseVolume", () => {
  it.each([
    ["/data", { type: "volume", target: "/data", readOnly: false }],
    ["data:/var/lib/postgresql/data", { type: "volume", source: "data", target: "/var/lib/postgresql/data", readOnly: false }],
    ["./src:/app:ro", { type: "bind", source: "./src", target: "/app", readOnly: true }],
    ["/var/run/docker.sock:/var/run/docker.sock", { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: false }],
    ["~/x:/x:rw,z", { type: "bind", source: "~/x", target: "/x", readOnly: false }],
    ["C:\\data:/data", { type: "bind", source: "C:\\data", target: "/data", readOnly: false }],
  ] as const)("%s", (text, expected) => {
    expect(parseVolume(s(text))).toMatchObject(expected);
  });
  it("long syntax", () => {
    expect(parseVolume(m({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", read_only: true }))).toMatchObject({ type: "bind", readOnly: true });
  });
});

describe("keyValues and dependencies", () => {
  it("reads KEY=VALUE lists and mappings alike; a bare KEY has no value", () => {
    const list: ComposeNode = { kind: "seq", origin: o, items: [s("A=1"), s("B"), s("C=x=y")] };
    expect(keyValues(list).map((k) => [k.key, k.value])).toEqual([["A", "1"], ["B", null], ["C", "x=y"]]);
    expect(keyValues(m({ A: 1, B: true })).map((k) => [k.key, k.value])).toEqual([["A", "1"], ["B", "true"]]);
  });
  it("depends_on as a list or a mapping with conditions", () => {
    expect(dependencies({ kind: "seq", origin: o, items: [s("db")] })).toEqual([{ service: "db", condition: "service_started", required: true, origin: o }]);
    const map = mapNode(o, [{ key: "db", keyOrigin: o, value: m({ condition: "service_healthy", required: false }) }]);
    expect(dependencies(map)).toEqual([{ service: "db", condition: "service_healthy", required: false, origin: o }]);
  });
});
