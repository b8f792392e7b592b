import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardStandIn, manyService } from "../support/dashboard-stand-in.mjs";
import { launchBrowser } from "./browser.js";

// The dashboard page (ui/ as shipped) in chromium with 100 services, fed by a stand-in for dev up's
// push channel (the same protocol: a snapshot, then deltas): every row drawn, every row updated
// in place by a delta, rows moved (not rebuilt) when services leave or the grouping changes.
// dashboard.test.ts drives the same page against a real dev up; a stack of 100 real services is
// more than this machine's tests can run.
const N = 100;
const service = manyService;

let browser: BrowserContext;
let page: Page;
const errors: string[] = [];
const standIn = dashboardStandIn({ project: "many", count: N });
const send = standIn.send;
/** A row as the tests see it in the page (no DOM types here): its service and the mark a test put on it. */
type Marked = { dataset: { service?: string }; mark?: string };
const names = (sel: string) => page.$$eval(sel, (trs) => trs.map((tr) => (tr as unknown as Marked).dataset.service ?? tr.textContent));

beforeAll(async () => {
  const url = await standIn.listen();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
});

afterAll(async () => {
  await browser?.close();
  standIn.close();
});

describe("the dashboard with 100 services", () => {
  it("draws every row, grouped, with a heading and count per group", async () => {
    await expect.poll(() => page.locator("#services tr[data-service]").count(), { timeout: 15_000 }).toBe(N);
    const rows = await names("#services tbody tr");
    expect(rows.filter((r) => r?.startsWith("svc-"))).toHaveLength(N);
    expect(rows[0]).toBe("group-0 (15)");
    expect(rows.slice(1, 4)).toEqual(["svc-000", "svc-007", "svc-014"]);
    expect(rows.filter((r) => r?.startsWith("group-"))).toEqual(["group-0 (15)", "group-1 (15)", "group-2 (14)", "group-3 (14)", "group-4 (14)", "group-5 (14)", "group-6 (14)"]);
    expect(await page.textContent('#services tr[data-service="svc-042"] td.health')).toBe("healthy");
    expect(await page.getAttribute('#services tr[data-service="svc-042"] .links a', "href")).toBe("http://127.0.0.1:8080/svc-42");
  });

  it("a delta changing all 100 updates every row in place (the same row and cell elements)", async () => {
    // Marks on the elements: a row or cell drawn anew would not carry them.
    await page.$$eval("#services tr[data-service]", (trs) => trs.forEach((tr) => Object.assign(tr, { mark: tr.dataset.service }) && Object.assign(tr.querySelector("td.restarts")!, { mark: 1 })));
    const changed = Array.from({ length: N }, (_, i) => service(i, 1));
    changed[42] = { ...changed[42]!, state: "exited", exitCode: 3 } as (typeof changed)[number];
    send("delta", { services: changed });
    const updated = () => page.$$eval("#services tr[data-service] td.restarts", (tds) => tds.filter((td) => td.textContent === "1").length);
    await expect.poll(updated, { timeout: 10_000 }).toBe(N);
    const kept = await page.$$eval("#services tr[data-service]", (trs) => trs.filter((tr) => (tr as unknown as Marked).mark === (tr as unknown as Marked).dataset.service && (tr.querySelector("td.restarts") as unknown as { mark?: number }).mark === 1).length);
    expect(kept).toBe(N);
    expect(await page.$$eval("#services td.health-starting", (tds) => tds.length)).toBe(N);
    expect(await page.textContent('#services tr[data-service="svc-042"] td.state')).toBe("exited (3)");
    expect(await page.getAttribute('#services tr[data-service="svc-042"] td.state', "class")).toBe("state state-exited");
    expect(await page.textContent('#services tr[data-service="svc-042"] td.exit')).toBe("3");
    expect(await page.$$eval('#services tr[data-service="svc-042"] button', (bs) => bs.map((b) => b.textContent))).toEqual(["restart", "rebuild", "start"]);
  });

  it("a service removed: its row goes, the group's count follows; ungrouped: by name, no headings; compact", async () => {
    send("delta", { removed: ["svc-000"] });
    await expect.poll(() => page.locator("#services tr[data-service]").count(), { timeout: 10_000 }).toBe(N - 1);
    expect((await names("#services tbody tr"))[0]).toBe("group-0 (14)");
    await page.click("#group");
    await expect.poll(() => page.locator("#services tr.group").count(), { timeout: 10_000 }).toBe(0);
    const rows = await names("#services tbody tr");
    expect(rows).toEqual(Array.from({ length: N - 1 }, (_, i) => `svc-${String(i + 1).padStart(3, "0")}`));
    // Moved, not rebuilt: the marks are still there.
    expect(await page.$$eval("#services tr[data-service]", (trs) => trs.filter((tr) => (tr as unknown as Marked).mark === (tr as unknown as Marked).dataset.service).length)).toBe(N - 1);
    await page.click("#compact");
    // The view changes in the next frame: polled.
    await expect.poll(() => page.getAttribute("#services", "class"), { timeout: 10_000 }).toContain("compact");
    await page.click("#group");
    await page.click("#compact");
    await expect.poll(() => page.locator("#services tr.group").count(), { timeout: 10_000 }).toBe(7);
    expect(errors).toEqual([]);
  });
});
