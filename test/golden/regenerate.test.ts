import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildStackConfig, type CreateChoices } from "../../src/create/build-stack-config.js";
import { diskReader, memoryReader } from "../../src/fs/disk-reader.js";
import { flushPlan } from "../../src/fs/flush-plan.js";
import { assertNoConflicts } from "../../src/plan/diff-plan.js";
import type { FileReader, Plan } from "../../src/fs/plan.js";
import { planProject } from "../../src/plan/plan-project.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { parseEnvFile } from "../../src/fs/parse-env-file.js";
import type { StackConfig } from "../../src/stack/stack-config.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../../src/stack/stack-document.js";
import { validateStack } from "../../src/stack/validate-stack.js";

const presets = loadPresets();
let secrets = 0;

function plan(root: string, stack: StackConfig, reader: FileReader, readme = false): Promise<Plan> {
  validateStack(stack, presets);
  return planProject({
    root,
    stack,
    presets,
    reader,
    readme,
    stackText: createStackDocument(stack).toString(STACK_TEXT_OPTIONS),
    allocatePort: async (preferred, taken) => {
      let port = preferred;
      while (taken.has(port)) port++;
      return port;
    },
    secret: () => `secret-${++secrets}`,
  });
}

/** A project as create-stack writes it, on disk in a temp folder. */
async function scaffold(choices: Omit<CreateChoices, "images">): Promise<{ root: string; stack: StackConfig }> {
  const root = mkdtempSync(join(tmpdir(), "regenerate-"));
  const stack = buildStackConfig({ ...choices, images: {} }, presets);
  const first = await plan(root, stack, diskReader(root), true);
  await flushPlan(first);
  return { root, stack };
}

const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
const action = (p: Plan, path: string) => p.files.find((f) => f.path === path)?.action;

describe("regenerating an existing project after stack.yaml changed", () => {
  it("adding redis and a proxy rewrites COMPOSE_FILE in the scaffolded .env, keeps its secrets and writes the new layer", async () => {
    const { root, stack } = await scaffold({ name: "notes", presets: ["fastapi", "postgres"], proxy: "none" });
    const before = parseEnvFile(read(root, ".env"));
    expect(before.get("COMPOSE_FILE")).toBe("compose.yaml:compose.dev.yaml");
    const composeBefore = read(root, "compose.yaml");

    const next: StackConfig = { ...stack, presets: [...stack.presets, "redis", "traefik"], services: { ...stack.services, api: { ...stack.services.api, route: "/api" } } };
    const again = await plan(root, next, diskReader(root));
    assertNoConflicts(again);
    expect(action(again, ".env")).toBe("update");
    expect(action(again, "compose.proxy.yaml")).toBe("create");
    expect(action(again, "compose.yaml")).toBe("update");
    expect(action(again, "services/api/main.py")).toBe("unchanged");
    expect(again.notes).toEqual(["new host ports in .env: REDIS_PORT=6379, PROXY_PORT=8080, PROXY_HTTPS_PORT=8443, TRAEFIK_DASHBOARD_PORT=8081"]);

    const written = await flushPlan(again);
    expect(written.sort()).toEqual([".env", ".env.example", "compose.dev.yaml", "compose.proxy.yaml", "compose.start-interval.yaml", "compose.yaml", "proxy/socket-proxy/engine-filter.js", "proxy/socket-proxy/nginx.conf", "proxy/traefik/tls.yaml", "README.md", "stack.yaml"].sort());
    const after = parseEnvFile(read(root, ".env"));
    expect(after.get("COMPOSE_FILE")).toBe("compose.yaml:compose.dev.yaml:compose.proxy.yaml");
    expect(after.get("POSTGRES_PASSWORD")).toBe(before.get("POSTGRES_PASSWORD"));
    expect(read(root, "compose.yaml")).not.toBe(composeBefore);
    expect(read(root, "compose.yaml")).toBe(again.files.find((f) => f.path === "compose.yaml")!.content);
    expect(read(root, "compose.proxy.yaml")).toContain("traefik");
    expect(statSync(join(root, ".env")).mode & 0o777).toBe(0o600);
    // COMPOSE_FILE is rewritten in place, not appended a second time.
    expect(read(root, ".env").match(/^COMPOSE_FILE=/gm)).toHaveLength(1);

    // A third run changes nothing.
    const third = await plan(root, next, diskReader(root));
    expect(third.files.filter((f) => f.action !== "unchanged").map((f) => f.path)).toEqual([]);
    expect(await flushPlan(third)).toEqual([]);
    expect(third.notes).toEqual([]);
  });

  it("dropping the proxy takes its layer out of COMPOSE_FILE and keeps the user's own compose file in it", async () => {
    const { root, stack } = await scaffold({ name: "shop", presets: ["python-http", "redis"], proxy: "nginx" });
    expect(parseEnvFile(read(root, ".env")).get("COMPOSE_FILE")).toBe("compose.yaml:compose.dev.yaml:compose.proxy.yaml");
    writeFileSync(join(root, ".env"), read(root, ".env").replace(/^COMPOSE_FILE=.*$/m, "$&:compose.mine.yaml"));

    const { route: _route, ...api } = stack.services.api!;
    const next: StackConfig = { ...stack, presets: stack.presets.filter((p) => p !== "nginx"), services: { api } };
    await flushPlan(await plan(root, next, diskReader(root)));
    expect(parseEnvFile(read(root, ".env")).get("COMPOSE_FILE")).toBe("compose.yaml:compose.dev.yaml:compose.mine.yaml");
  });

  it("switching traefik to nginx deletes traefik's unedited generated files, keeps an edited one, and the README follows", async () => {
    const { root, stack } = await scaffold({ name: "shop", presets: ["python-http"], proxy: "traefik" });
    expect(read(root, "README.md")).toContain("Traefik dashboard");
    writeFileSync(join(root, "proxy/traefik/tls.yaml"), read(root, "proxy/traefik/tls.yaml") + "# mine\n");
    const next: StackConfig = { ...stack, presets: stack.presets.map((p) => (p === "traefik" ? "nginx" : p)) };
    const again = await plan(root, next, diskReader(root));
    assertNoConflicts(again);
    expect(action(again, "proxy/socket-proxy/nginx.conf")).toBe("delete");
    expect(action(again, "proxy/socket-proxy/engine-filter.js")).toBe("delete");
    expect(again.files.find((f) => f.path === "proxy/traefik/tls.yaml")).toMatchObject({ action: "skip", reason: "no longer generated; kept because it was edited by hand" });
    expect(action(again, "proxy/nginx/default.conf")).toBe("create");
    expect(action(again, "README.md")).toBe("update");
    await flushPlan(again);
    expect(existsSync(join(root, "proxy/socket-proxy/nginx.conf"))).toBe(false);
    expect(existsSync(join(root, "proxy/traefik/tls.yaml"))).toBe(true);
    expect(read(root, "README.md")).not.toMatch(/Traefik|dashboard|socket-proxy/);
    expect(read(root, "README.md")).toContain("  - `proxy/nginx/default.conf`\n");
  });

  it("the README is kept current through the plan (a service added later) until it is edited; a deleted one stays deleted", async () => {
    const { root, stack } = await scaffold({ name: "shop", presets: ["python-http"], proxy: "nginx" });
    const next: StackConfig = { ...stack, services: { ...stack.services, billing: { template: "python-http", route: "/billing" } } };
    const again = await plan(root, next, diskReader(root));
    expect(action(again, "README.md")).toBe("update");
    await flushPlan(again);
    expect(read(root, "README.md")).toContain("| `/billing` | billing | http://127.0.0.1:$PROXY_PORT/billing | https://localhost:$PROXY_HTTPS_PORT/billing |");
    expect(read(root, "README.md")).toContain("| billing | `services/billing/` | 127.0.0.1:$BILLING_PORT |");

    writeFileSync(join(root, "README.md"), read(root, "README.md") + "\nOur notes.\n");
    const third = await plan(root, stack, diskReader(root));
    assertNoConflicts(third);
    expect(third.files.find((f) => f.path === "README.md")).toMatchObject({ action: "skip", reason: "edited by hand: yours, no longer regenerated" });
    await flushPlan(third);
    expect(read(root, "README.md")).toContain("Our notes.");
    expect(read(root, "README.md")).toContain("billing");

    rmSync(join(root, "README.md"));
    expect((await plan(root, next, diskReader(root))).files.some((f) => f.path === "README.md")).toBe(false);
  });

  it("a requirements.txt without a final newline gets the worker's packages on lines of their own", async () => {
    const stack = buildStackConfig({ name: "shop", presets: ["python-http", "redis", "worker"], proxy: "none", images: {} }, presets);
    const p = await plan("/project", stack, memoryReader({ "services/api/requirements.txt": "flask==3.0" }));
    const requirements = p.files.find((f) => f.path === "services/api/requirements.txt")!;
    expect(requirements.content.split("\n")).toEqual(["flask==3.0", "celery", "redis", ""]);
    expect(requirements.action).toBe("update");
  });

  it("a hand-edited generated file stops the regeneration before anything is written", async () => {
    const { root, stack } = await scaffold({ name: "notes", presets: ["fastapi", "postgres"], proxy: "none" });
    writeFileSync(join(root, "compose.dev.yaml"), read(root, "compose.dev.yaml") + "# my tweak\n");
    const envBefore = read(root, ".env");
    const again = await plan(root, { ...stack, presets: [...stack.presets, "redis"] }, diskReader(root));
    expect(() => assertNoConflicts(again)).toThrow(expect.objectContaining({ code: "E_USER_EDITED", details: ["compose.dev.yaml: edited by hand since create-stack generated it"] }));
    expect(read(root, ".env")).toBe(envBefore);
  });
});
