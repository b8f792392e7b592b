import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { parseRenderedStack, parseStack } from "../stack/parse-stack.js";
import type { AdoptedService, Adoption } from "./adopt-model.js";
import { adoptedStackData, plainAdoptedStackText, renderAdoptedStack, updateAdoptedStack, yamlAdoptedStackText } from "./adopted-stack-text.js";

const adoption = (over: Partial<Adoption> = {}): Adoption => ({
  name: "shop",
  compose: ["docker-compose.yml"],
  services: {
    web: { build: "web", path: "web/src", rebuild_on: ["web/Dockerfile", "web/package.json"], port: 3000, route: "/", strip_prefix: false, depends_on: ["db"] },
    db: { image: "postgres:16" },
    rq_worker: { build: "web", rebuild_on: ["web/**"] },
  },
  ignore: [],
  disabled: [],
  unmapped: [],
  ...over,
});

describe("adopted stack.yaml text", () => {
  it("parses as a stack whose services are all adopted, compose names kept", () => {
    const parsed = parseStack(renderAdoptedStack(adoption({ proxy: { kind: "nginx", service: "proxy", config: "nginx.conf" } })));
    expect(parsed.config.compose).toEqual(["docker-compose.yml"]);
    expect(parsed.config.proxy).toEqual({ kind: "nginx", service: "proxy", config: "nginx.conf" });
    expect(Object.values(parsed.config.services).every((s) => s.adopted)).toBe(true);
    expect(parsed.config.services.rq_worker).toEqual({ adopted: true, build: "web", rebuild_on: ["web/**"] });
  });

  it("checked as data, it gives the stack its text reads back as (proxy config, compose names, flow lists)", () => {
    for (const a of [adoption(), adoption({ proxy: { kind: "nginx", service: "proxy", config: "nginx.conf" }, ignore: ["web/node_modules"] }), adoption({ proxy: { kind: "traefik", service: "proxy" } })]) {
      const text = renderAdoptedStack(a);
      const rendered = parseRenderedStack(text, adoptedStackData(a));
      expect(rendered.config).toEqual(parseStack(text).config);
      expect(rendered.text).toBe(text);
      // Its Document, for edits and locations, is the text's.
      expect(rendered.doc.toString({ lineWidth: 0, flowCollectionPadding: false })).toBe(text);
    }
  });

  it("data the schema refuses is reported at the rendered text's line, as parseStack reports it", () => {
    const a = adoption({ services: { web: { image: "bad image" } } });
    const text = renderAdoptedStack(a);
    const located = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        const errors = err instanceof StackErrors ? err.errors : err instanceof StackError ? [err] : [];
        return errors.map((e) => `${e.location?.line}:${e.location?.col} ${e.message}`);
      }
      throw new Error("expected an error");
    };
    const errors = located(() => parseRenderedStack(text, adoptedStackData(a)));
    expect(errors).toEqual(located(() => parseStack(text)));
    expect(errors[0]).toMatch(/^\d+:\d+ services\.web\.image/);
  });

  it("is written directly for plain values, byte for byte what the yaml package writes", () => {
    for (const a of [adoption(), adoption({ proxy: { kind: "nginx", service: "proxy", config: "nginx.conf" }, ignore: ["web/node_modules", "web/dist"] })]) {
      const data = adoptedStackData(a);
      expect(plainAdoptedStackText(data)).toBeDefined();
      expect(plainAdoptedStackText(data)).toBe(yamlAdoptedStackText(data));
      expect(renderAdoptedStack(a)).toBe(yamlAdoptedStackText(data));
    }
  });

  it("leaves to the yaml package every string it would quote or read as another type", () => {
    // Strings from characters YAML treats specially, in every place a string goes: each one either
    // comes out as the yaml package writes it or is left to it.
    const alphabet = ["a", "Z", "0", "9", ".", "-", "_", "/", "*", ":", "@", "=", "~", "+", "#", "!", "&", "%", "'", '"', " ", ",", "[", "{", "?", "|", ">", "\\", "\t", "\n", "é", "true", "null", "0x", "0o", "1e", ".inf", ".nan", "---", "..."];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const s = Array.from({ length: 1 + Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      const n = Math.floor(next() * 5);
      const services: Record<string, AdoptedService> = n === 0 ? { [s]: { image: "x" } } : { web: n === 1 ? { image: s } : n === 2 ? { rebuild_on: [s, "b"] } : { route: s, port: 80 } };
      const data = adoptedStackData(adoption({ services, compose: n === 4 ? [s] : ["docker-compose.yml"], proxy: { kind: "traefik", service: n === 3 ? s : "proxy" } }));
      const direct = plainAdoptedStackText(data);
      if (direct === undefined) continue;
      plain++;
      expect(direct, JSON.stringify(s)).toBe(yamlAdoptedStackText(data));
    }
    expect(plain).toBeGreaterThan(150);
  });

  it("a compose-style name is refused on a service of ours", () => {
    expect(() => parseStack("version: 1\nname: shop\nservices:\n  rq_worker: { image: x }\n")).toThrow(/not a valid name/);
  });

  it("a second run keeps the user's comments and services, updates what changed and says so", () => {
    const first = renderAdoptedStack(adoption());
    const edited = first.replace("services:\n", "services:\n  # ours: added by hand\n  api: { image: nginx }\n").replace("  db:\n", "  # the database\n  db:\n");
    const next = adoption();
    next.services.web = { ...next.services.web!, port: 3001 };
    delete next.services.rq_worker;
    next.services.cache = { image: "redis:7" };
    const { text, changes } = updateAdoptedStack(edited, next);
    expect(changes).toEqual(["services.rq_worker: no longer in the compose files, removed", "services.web.port: 3000 -> 3001", "services.cache: added"]);
    // The document is re-serialised (flow maps lose their inner spaces); every comment stays.
    expect(text).toMatch(/# ours: added by hand\n  api: \{ ?image: nginx ?\}/);
    expect(text).toContain("# the database\n  db:");
    expect(text).toContain("# Your compose files, in the order compose reads them.");
    const parsed = parseStack(text).config;
    expect(Object.keys(parsed.services)).toEqual(["api", "web", "db", "cache"]);
    expect(parsed.services.web!.port).toBe(3001);
  });

  it("nothing changed: the text is returned as it was", () => {
    const first = renderAdoptedStack(adoption());
    expect(updateAdoptedStack(first, adoption())).toEqual({ text: first, changes: [] });
  });
});
