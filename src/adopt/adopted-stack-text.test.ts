import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { parseRenderedStack, parseStack } from "../stack/parse-stack.js";
import type { Adoption } from "./adopt-model.js";
import { adoptedStackData, renderAdoptedStack, updateAdoptedStack } from "./adopted-stack-text.js";

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
