import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, compose, containers, envValue, getUntilOk, leftovers, removeProject, sh, tempDir, uniqueName, waitHealthy,
} from "./support.js";

const project = uniqueName("cs-e2e-add");
let root = "";
let proxy = "";

const ids = async () => Object.fromEntries((await containers(project)).map((c) => [c.service, `${c.id}@${c.startedAt}`]));
const dev = (args: string[]) => sh("node", [DEV, ...args], { cwd: root });

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,redis,worker", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  const up = await compose(root, ["up", "-d"]);
  expect(up.code, up.stderr).toBe(0);
  await waitHealthy(project, 4);
  proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
});

afterAll(async () => {
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("dev add service on a running nginx stack", () => {
  it("adds three routed services, each answering through the proxy, without touching the others", async () => {
    const before = await ids();
    for (const [name, route] of [["billing", "/billing"], ["admin", "/api/admin"], ["search", "/search"]] as const) {
      const res = await dev(["add", "service", name, "--route", route]);
      expect(res.code, res.stderr + res.stdout).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`${name} answers at .* [\\d.]+ s after the command started \\(its own start: [\\d.]+ s\\)`));
      // The command returned once the route answered, so the first request already reaches it.
      const res2 = await fetch(`${proxy}${route}/hello`, { headers: { connection: "close" } });
      expect(res2.headers.get("x-stack-service"), `${res2.status} ${[...res2.headers].join(" ")} ${res.stdout}`).toBe(name);
      expect(await res2.json()).toMatchObject({ service: name, path: "/hello" });
    }
    // Nested prefix: /api/admin goes to admin, the rest of /api still to api.
    expect(JSON.parse((await getUntilOk(`${proxy}/api/admin/x`)).body).service).toBe("admin");
    expect(JSON.parse((await getUntilOk(`${proxy}/api/x`)).body).service).toBe("api");
    const after = await ids();
    for (const [service, id] of Object.entries(before)) expect(after[service], service).toBe(id);

    const routes = JSON.parse((await dev(["routes", "--json"])).stdout);
    expect(routes.routes.map((r: { path: string }) => r.path)).toEqual(["/api/admin", "/api", "/billing", "/search"]);
  });

  it("refuses bad input with exit 2, saying which problem, and writes nothing", async () => {
    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    const cases: [string[], string, RegExp][] = [
      [["add", "service", "billing", "--route", "/other"], "E_NAME_TAKEN", /a service named "billing" already exists/],
      [["add", "service", "Bad_Name"], "E_STACK_SCHEMA", /"Bad_Name" is not a valid name/],
      [["add", "service", "x1", "--route", "nope"], "E_ROUTE_INVALID", /--route: route "nope" must start with "\/"/],
      [["add", "service", "x2", "--route", "/a`b"], "E_ROUTE_INVALID", /--route: route "\/a`b" has characters a proxy rule cannot carry safely/],
      [["add", "service", "x3", "--route", "/billing"], "E_ROUTE_DUPLICATE", /--route: route \/billing is used by both "billing" and "x3"/],
      [["add", "service", "x4", "--port", "70000"], "E_STACK_SCHEMA", /--port 70000: must be <= 65535/],
      [["add", "service", "x5", "--template", "rails"], "E_UNKNOWN_TEMPLATE", /--template: unknown template "rails"/],
      [["add", "service", "x6", "--template", "fastapi", "--image", "nginx:1.27"], "E_TEMPLATE_AND_IMAGE", /sets both template and image/],
      [["add", "service", "x7", "--depends-on", "ghost"], "E_UNKNOWN_DEPENDENCY", /--depends-on: service "x7" depends on "ghost", which is neither a service nor a preset/],
      [["add", "preset", "mongo"], "E_UNKNOWN_PRESET", /unknown preset "mongo"/],
      [["add", "preset", "traefik"], "E_PRESET_CONFLICT", /presets "nginx" and "traefik" cannot be used together/],
    ];
    for (const [args, code, message] of cases) {
      const res = await dev([...args, "--json"]);
      const what = `${args.join(" ")}: ${res.stderr}`;
      expect(res.code, what).toBe(2);
      expect(res.stderr, what).toMatch(/^error: /);
      expect(res.stderr, what).toMatch(message);
      expect(JSON.parse(res.stdout).errors.map((e: { code: string }) => e.code), what).toEqual([code]);
    }
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toBe(stack);
  });

  it("adds an internal service from an image, and a preset with its wiring", async () => {
    const cache = await dev(["add", "service", "cache", "--image", "create-stack-test/redis:latest", "--port", "6379"]);
    expect(cache.code, cache.stderr).toBe(0);
    expect(cache.stdout).not.toMatch(/services\/cache/);
    const running = (await containers(project)).find((c) => c.service === "cache");
    expect(running?.status).toBe("running");

    const preset = await dev(["add", "preset", "postgres"]);
    expect(preset.code, preset.stderr).toBe(0);
    expect(preset.stdout).toMatch(/note: api now depends on postgres \(gets DATABASE_URL\)/);
    await waitHealthy(project, 8);
    const env = await compose(root, ["exec", "-T", "api", "sh", "-c", "echo $DATABASE_URL"]);
    expect(env.stdout.trim()).toMatch(/^postgresql:\/\/app:.+@postgres:5432\/app$/);
  });

  it("removes a service: its route is gone, its container too, the rest untouched", async () => {
    const before = await ids();
    const res = await dev(["remove", "service", "search"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("nginx reloaded");
    const gone = await fetch(`${proxy}/search/`);
    expect(gone.status).toBe(404);
    const after = await ids();
    expect(after.search).toBeUndefined();
    for (const [service, id] of Object.entries(before)) if (service !== "search") expect(after[service], service).toBe(id);
    expect(JSON.parse((await getUntilOk(`${proxy}/billing/`)).body).service).toBe("billing");

    const down = await compose(root, ["down", "-v"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
