import { describe, expect, it } from "vitest";
// The page's own module (ui/, shipped as is, no build step): pure, so it is tested here.
import { age, COLUMNS, diffRow, layoutRows, rowModel, type ServiceView } from "../../ui/service-rows.js";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const svc = (over: Partial<ServiceView> = {}): ServiceView => ({
  service: "api",
  state: "running",
  health: "healthy",
  url: "http://127.0.0.1:8080/api",
  ports: ["127.0.0.1:5432->5432", "0.0.0.0:8025->8025", "8000/tcp"],
  restarts: 0,
  startedAt: "2026-01-01T11:59:18Z",
  kind: "service",
  group: "services",
  waitingFor: [],
  ...over,
});

describe("rowModel", () => {
  it("one cell per column, texts as the table shows them", () => {
    const row = rowModel(svc(), undefined, NOW);
    expect(row.map((c) => c.cls)).toEqual(["name", "state state-running", "health health-healthy", "uptime", "restarts", "exit", "links", "waits", "actions"]);
    expect(row).toHaveLength(COLUMNS.length);
    expect(row.map((c) => c.text)).toEqual(["api", "running", "healthy", "42 s", "0", "-", undefined, "", undefined]);
  });

  it("an exited service: its code in state and exit; no uptime", () => {
    const row = rowModel(svc({ state: "exited", exitCode: 137, startedAt: undefined, waitingFor: ["db", "cache"] }), undefined, NOW);
    expect(row[1]).toEqual({ cls: "state state-exited", text: "exited (137)" });
    expect(row[3]!.text).toBe("-");
    expect(row[5]!.text).toBe("137");
    expect(row[7]!.text).toBe("db, cache");
  });

  it("links: the route, the HTTPS address, each published port (0.0.0.0 as 127.0.0.1); unpublished ports none", () => {
    const links = rowModel(svc({ httpsUrl: "https://localhost:8443/api" }), undefined, NOW)[6]!.items;
    expect(links).toEqual([
      { text: "/api", href: "http://127.0.0.1:8080/api", cls: "", title: "" },
      { text: "https", href: "https://localhost:8443/api", cls: "https", title: "https://localhost:8443/api" },
      { text: ":5432", href: "http://127.0.0.1:5432/", cls: "", title: "127.0.0.1:5432->5432" },
      { text: ":8025", href: "http://127.0.0.1:8025/", cls: "", title: "0.0.0.0:8025->8025" },
    ]);
  });

  it("buttons: rebuild only for the project's own services, start when stopped, all off while one runs", () => {
    const actions = (over: Record<string, unknown>, busy?: string) => rowModel(svc(over), busy, NOW)[8]!.items!.map((b) => `${b.text}${b.disabled ? " (off)" : ""}`);
    expect(actions({})).toEqual(["restart", "rebuild", "stop"]);
    expect(actions({ kind: "addon" })).toEqual(["restart", "stop"]);
    expect(actions({ state: "exited" })).toEqual(["restart", "rebuild", "start"]);
    expect(actions({ state: "missing" })).toEqual(["restart (off)", "rebuild", "start"]);
    expect(actions({}, "restart")).toEqual(["restart… (off)", "rebuild (off)", "stop (off)"]);
  });
});

describe("diffRow", () => {
  it("a new row: every cell, with everything", () => {
    const next = rowModel(svc(), undefined, NOW);
    const changes = diffRow(undefined, next);
    expect(changes.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(changes[0]).toEqual({ index: 0, cls: "name", text: "api" });
    expect(changes[6]).toEqual({ index: 6, cls: "links", items: next[6]!.items });
  });

  it("the same service a second later: only the uptime text", () => {
    const prev = rowModel(svc(), undefined, NOW);
    expect(diffRow(prev, rowModel(svc(), undefined, NOW + 1000))).toEqual([{ index: 3, text: "43 s" }]);
    expect(diffRow(prev, rowModel(svc(), undefined, NOW + 400))).toEqual([]);
  });

  it("health and restarts changed: those cells, class only where it changed", () => {
    const prev = rowModel(svc(), undefined, NOW);
    expect(diffRow(prev, rowModel(svc({ health: "starting", restarts: 3 }), undefined, NOW))).toEqual([
      { index: 2, cls: "health health-starting", text: "starting" },
      { index: 4, text: "3" },
    ]);
  });

  it("links and buttons: redrawn when any of them differs, not when equal copies arrive", () => {
    const prev = rowModel(svc(), undefined, NOW);
    expect(diffRow(prev, rowModel(svc({ ports: [...svc().ports] }), undefined, NOW))).toEqual([]);
    const moved = diffRow(prev, rowModel(svc({ ports: ["127.0.0.1:5433->5432"] }), undefined, NOW));
    expect(moved.map((c) => [c.index, Object.keys(c)])).toEqual([[6, ["index", "items"]]]);
    const busy = diffRow(prev, rowModel(svc(), "stop", NOW));
    expect(busy.map((c) => c.index)).toEqual([8]);
    expect(busy[0]!.items!.map((b) => b.disabled)).toEqual([true, true, true]);
  });
});

describe("layoutRows", () => {
  const services = [svc({ service: "web", group: "services" }), svc({ service: "db", group: "addons" }), svc({ service: "api", group: "services" })];

  it("grouped: by group then name, a heading with its count before each group", () => {
    expect(layoutRows(services, true).rows).toEqual([{ group: "addons", count: 1 }, { service: "db" }, { group: "services", count: 2 }, { service: "api" }, { service: "web" }]);
  });

  it("not grouped: by name, no headings", () => {
    expect(layoutRows(services, false).rows).toEqual([{ service: "api" }, { service: "db" }, { service: "web" }]);
  });

  it("the key changes with the order, a group or the grouping, not with a state", () => {
    const key = layoutRows(services, true).key;
    expect(layoutRows([...services].reverse(), true).key).toBe(key);
    expect(layoutRows(services.map((s) => ({ ...s, state: "exited", health: "unhealthy" })), true).key).toBe(key);
    expect(layoutRows(services, false).key).not.toBe(key);
    expect(layoutRows(services.map((s) => (s.service === "db" ? { ...s, group: "data" } : s)), true).key).not.toBe(key);
    expect(layoutRows(services.slice(1), true).key).not.toBe(key);
  });
});

describe("age", () => {
  it("seconds, then minutes, hours, days; never negative", () => {
    const at = (s: number) => age(new Date(NOW - s * 1000).toISOString(), NOW);
    expect([at(0), at(59), at(60), at(3599), at(3600), at(86399), at(86400 + 7200), at(-5)]).toEqual(["0 s", "59 s", "1m 0s", "59m 59s", "1h 0m", "23h 59m", "1d 2h", "0 s"]);
  });
});
