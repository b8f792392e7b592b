import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { planAddService } from "../../src/edit/plan-add-service.js";
import { planRemoveService } from "../../src/edit/plan-remove-service.js";
import { StackError } from "../../src/errors/stack-error.js";
import { memoryReader } from "../../src/fs/disk-reader.js";
import { planProject } from "../../src/plan/plan-project.js";
import { resolveServices } from "../../src/stack/resolve-services.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import type { Project } from "../../src/stack/load-project.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { FIXTURES, storedPath } from "./plan-fixture.js";

const dir = join(FIXTURES, "add-billing");
const ENV = "POSTGRES_PASSWORD=p\nREDIS_PASSWORD=r\nPOSTGRES_PORT=5432\nREDIS_PORT=6379\nPROXY_PORT=8080\nAPI_PORT=8000\n";

function project(): Project {
  const parsed = parseStack(readFileSync(join(dir, "stack.yaml"), "utf8"));
  const presets = loadPresets();
  return { root: "/project", stackFile: "/project/stack.yaml", parsed, presets, services: resolveServices(parsed.config, presets) };
}

describe("dev add service, planned in memory", () => {
  it("edits stack.yaml in place and regenerates the layers and nginx routes", async () => {
    const next = planAddService(project(), { name: "billing", route: "/billing", dependsOn: ["postgres"], env: ["LOG_LEVEL=debug"] });
    const plan = await planProject({
      root: "/project", stack: next.parsed.config, presets: next.presets, reader: memoryReader({ ".env": ENV }), stackText: next.stackText,
      allocatePort: async (p, taken) => { let port = p; while (taken.has(port)) port++; return port; },
    });
    const wanted = ["stack.yaml", "compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "proxy/nginx/default.conf", ".env"];
    for (const path of wanted) {
      const file = plan.files.find((f) => f.path === path)!;
      const expectedPath = join(dir, "expected", storedPath(path));
      if (process.env.UPDATE_GOLDEN === "1") {
        mkdirSync(dirname(expectedPath), { recursive: true });
        writeFileSync(expectedPath, file.content);
      }
      expect(file.content, path).toBe(readFileSync(expectedPath, "utf8"));
    }
    // The new service's host port must not collide with the api's 8000 already in .env.
    expect(plan.files.find((f) => f.path === ".env")!.content).toContain("BILLING_PORT=8001");
    expect(plan.notes).toEqual(["new host ports in .env: PROXY_HTTPS_PORT=8443, BILLING_PORT=8001"]);
    expect(plan.files.find((f) => f.path === ".env")!.mode).toBe(0o600);
  });

  it("refuses bad input before anything is planned", () => {
    const cases: [Parameters<typeof planAddService>[1], string][] = [
      [{ name: "api" }, "E_NAME_TAKEN"],
      [{ name: "redis" }, "E_NAME_TAKEN"],
      [{ name: "Bad" }, "E_STACK_SCHEMA"],
      [{ name: "" }, "E_INVALID_NAME"],
      [{ name: "a/b" }, "E_INVALID_NAME"],
      [{ name: "yes" }, "E_INVALID_NAME"],
      [{ name: "x", path: "." }, "E_PATH_ROOT"],
      [{ name: "x", path: "/etc" }, "E_STACK_SCHEMA"],
      [{ name: "x", route: "/../etc" }, "E_ROUTE_INVALID"],
      [{ name: "x", image: "nginx", route: "/x" }, "E_ROUTE_NO_PORT"],
      [{ name: "x", image: "" }, "E_STACK_SCHEMA"],
      [{ name: "x", route: "x" }, "E_ROUTE_INVALID"],
      [{ name: "x", route: "/x y" }, "E_ROUTE_INVALID"],
      [{ name: "x", route: "/api" }, "E_ROUTE_DUPLICATE"],
      [{ name: "x", port: 0 }, "E_STACK_SCHEMA"],
      [{ name: "x", template: "rails" }, "E_UNKNOWN_TEMPLATE"],
      [{ name: "x", template: "fastapi", image: "nginx" }, "E_TEMPLATE_AND_IMAGE"],
      [{ name: "x", dependsOn: ["ghost"] }, "E_UNKNOWN_DEPENDENCY"],
      [{ name: "x", env: ["NOPE"] }, "E_ENV_INVALID"],
    ];
    for (const [opts, code] of cases) {
      let caught: unknown;
      try {
        planAddService(project(), opts);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(opts)).toBeInstanceOf(StackError);
      expect((caught as StackError).code, JSON.stringify(opts)).toBe(code);
      expect((caught as StackError).exitCode).toBe(2);
    }
  });

  it("names the flag that caused a problem, not a stack.yaml line the user never wrote", () => {
    const message = (opts: Parameters<typeof planAddService>[1]) => {
      try {
        planAddService(project(), opts);
      } catch (err) {
        expect((err as StackError).location, JSON.stringify(opts)).toBeUndefined();
        return (err as StackError).message;
      }
      throw new Error(`accepted: ${JSON.stringify(opts)}`);
    };
    expect(message({ name: "x", route: "/api" })).toBe('--route: route /api is used by both "api" and "x"');
    expect(message({ name: "x", port: 70000 })).toBe("--port 70000: must be <= 65535");
    expect(message({ name: "x", path: "/etc" })).toBe('--path: "/etc" is not a valid path');
    expect(message({ name: "x", dependsOn: ["ghost"] })).toMatch(/^--depends-on: service "x" depends on "ghost"/);
    expect(message({ name: "x", template: "rails" })).toMatch(/^--template: unknown template "rails"/);
    expect(message({ name: "redis" })).toMatch(/^dev add service redis: service name "redis" is taken/);
    expect(message({ name: "x", env: ["1A=b"] })).toBe('--env: "1A" is not a valid variable name');
    // The flag's value is quoted when it is one word, not when it is a list the flag was given twice.
    expect(message({ name: "x", dependsOn: ["postgres", "postgres"] })).toBe('--depends-on: lists "postgres" twice');
    expect(message({ name: "Bad" })).toBe('dev add service Bad: "Bad" is not a valid name');
  });

  it("a nested route and a worker sharing code plan cleanly", () => {
    const next = planAddService(project(), { name: "admin", route: "/api/admin" });
    // The one wiring rule: a template service depends on the stack's add-ons (their URLs come with it).
    expect(next.parsed.config.services.admin).toEqual({ template: "python-http", path: "services/admin", port: 8000, route: "/api/admin", depends_on: ["postgres", "redis"] });
    const worker = planAddService(project(), { name: "mailer", template: "worker", path: "services/api" });
    expect(worker.parsed.config.services.mailer).toEqual({ template: "worker", path: "services/api", depends_on: ["postgres", "redis"] });
    const own = planAddService(project(), { name: "lone", dependsOn: [] });
    expect(own.parsed.config.services.lone!.depends_on).toBeUndefined();
  });

  it("remove drops the service and the depends_on that named it", () => {
    const next = planRemoveService(project(), "api");
    expect(Object.keys(next.parsed.config.services)).toEqual(["worker"]);
    expect(next.stackText).toContain("# Our shop. Ask #platform before adding presets.");
    expect(() => planRemoveService(project(), "ghost")).toThrow(/unknown service: ghost/);
  });
});
