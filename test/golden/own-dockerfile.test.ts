import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lookAtSource } from "../../src/edit/look-at-source.js";
import { planAddService, type AddServiceOptions } from "../../src/edit/plan-add-service.js";
import { StackError, StackErrors } from "../../src/errors/stack-error.js";
import { memoryReader } from "../../src/fs/disk-reader.js";
import { planProject } from "../../src/plan/plan-project.js";
import { resolveServices } from "../../src/stack/resolve-services.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import type { Project } from "../../src/stack/load-project.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { FIXTURES } from "./plan-fixture.js";
import { watchedServices } from "../../src/dev/watch-loop.js";
import { mapChangesToServices } from "../../src/dev/restart/map-changes.js";

/** A project on disk (planning reads nothing from it; lookAtSource does). */
function project(): Project {
  const root = mkdtempSync(join(tmpdir(), "own-dockerfile-"));
  const parsed = parseStack(readFileSync(join(FIXTURES, "add-billing", "stack.yaml"), "utf8"));
  const presets = loadPresets();
  mkdirSync(join(root, "services", "submission"), { recursive: true });
  writeFileSync(join(root, "services", "submission", "Dockerfile"), "FROM node:20\nWORKDIR /srv\nCOPY . .\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n");
  writeFileSync(join(root, "services", "submission", "server.js"), "// theirs\n");
  mkdirSync(join(root, "services", "legacy"), { recursive: true });
  writeFileSync(join(root, "services", "legacy", "main.go"), "package main\n");
  mkdirSync(join(root, "ops"), { recursive: true });
  writeFileSync(join(root, "ops", "auth.Dockerfile"), "FROM alpine\n");
  return { root, stackFile: join(root, "stack.yaml"), parsed, presets, services: resolveServices(parsed.config, presets) };
}

const add = (p: Project, opts: Omit<AddServiceOptions, "source">) =>
  planAddService(p, { ...opts, source: lookAtSource(p.root, opts.path ?? `services/${opts.name}`, opts.dockerfile) });

function codes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StackErrors) return err.errors.map((e) => e.code);
    if (err instanceof StackError) return [err.code];
    throw err;
  }
  return [];
}

describe("a service with its own Dockerfile", () => {
  it("is recorded as build: FOLDER, its port taken from EXPOSE, with nothing planned inside its folder", async () => {
    const p = project();
    const next = add(p, { name: "submission", route: "/", path: "services/submission", healthHttp: "/health" });
    expect(next.parsed.config.services.submission).toEqual({ build: "services/submission", port: 3000, route: "/", healthcheck: { http: "/health" } });
    expect(next.stackText).toMatch(/submission:\n\s+build: services\/submission\n/);
    const plan = await planProject({ root: p.root, stack: next.parsed.config, presets: next.presets, reader: memoryReader(), stackText: next.stackText, allocatePort: async (port) => port, secret: () => "s" });
    expect(plan.files.filter((f) => f.path.startsWith("services/submission"))).toEqual([]);
    const compose = plan.files.find((f) => f.path === "compose.yaml")!.content;
    expect(compose).toMatch(/submission:\n\s+build:\n\s+context: \.\/services\/submission\n\s+init: true\n\s+healthcheck:/);
    expect(compose.slice(compose.indexOf("submission:"), compose.indexOf("postgres:"))).not.toMatch(/BASE_IMAGE|python/);
    expect(plan.files.find((f) => f.path === "proxy/nginx/default.conf")!.content).toMatch(/# \/ -> submission:3000\n\s+location \/ \{/);
  });

  it("--dockerfile elsewhere: the folder is its context, the file recorded relative to the project", () => {
    const p = project();
    const next = add(p, { name: "auth", path: "services/legacy", dockerfile: "ops/auth.Dockerfile", port: 4000, healthCmd: "test -f /tmp/ready" });
    expect(next.parsed.config.services.auth).toEqual({ build: "services/legacy", dockerfile: "ops/auth.Dockerfile", port: 4000, healthcheck: { command: "test -f /tmp/ready" } });
    const alone = add(p, { name: "auth", dockerfile: "ops/auth.Dockerfile" });
    expect(alone.parsed.config.services.auth).toEqual({ build: "ops", dockerfile: "ops/auth.Dockerfile" });
  });

  it("every change rebuilds it (no mount: where the image keeps its code is its own business)", () => {
    const p = project();
    const next = add(p, { name: "submission", path: "services/submission", port: 3000 });
    const watched = watchedServices(next.services);
    const out = mapChangesToServices([{ path: "services/submission/server.js", kind: "update" }], watched);
    expect(out.get("submission")).toEqual({ files: ["services/submission/server.js"], rebuild: true });
    // A template service restarts for code and rebuilds for what its preset names.
    expect(mapChangesToServices([{ path: "services/api/app.py", kind: "update" }], watched).get("api")?.rebuild).toBe(false);
    expect(mapChangesToServices([{ path: "services/api/requirements.txt", kind: "update" }], watched).get("api")?.rebuild).toBe(true);
  });

  it("bad input is refused before anything is planned, exit 2", () => {
    const p = project();
    const cases: [Omit<AddServiceOptions, "source">, string[]][] = [
      [{ name: "x", path: "../elsewhere" }, ["E_PATH_OUTSIDE"]],
      // Validation refuses these, under the flag's name (a path that is not relative is no path of the project).
      [{ name: "x", path: "/etc" }, ["E_STACK_SCHEMA"]],
      [{ name: "x", path: "services/missing" }, ["E_PATH_MISSING"]],
      [{ name: "x", path: "services/legacy" }, ["E_NO_DOCKERFILE"]],
      [{ name: "x", dockerfile: "ops/nope.Dockerfile" }, ["E_DOCKERFILE_MISSING"]],
      [{ name: "x", template: "node-http", dockerfile: "ops/auth.Dockerfile" }, ["E_TEMPLATE_AND_DOCKERFILE"]],
      [{ name: "x", path: "services/submission", healthCmd: "true", healthHttp: "/health" }, ["E_HEALTH_BOTH"]],
      [{ name: "x", path: "services/submission", healthHttp: "/a b" }, ["E_STACK_SCHEMA"]],
      [{ name: "x", dockerfile: "ops/auth.Dockerfile", route: "/x" }, ["E_ROUTE_NO_PORT"]],
    ];
    for (const [opts, expected] of cases) expect(codes(() => add(p, opts)), JSON.stringify(opts)).toEqual(expected);
    // The hints say what to do: the templates are offered for a folder without a Dockerfile.
    try {
      add(p, { name: "x", path: "services/legacy" });
    } catch (err) {
      expect((err as StackError).hint).toMatch(/--dockerfile PATH.*--template \(.*node-http.*python-http/);
      expect((err as StackError).exitCode).toBe(2);
    }
  });

  it("without --path or --template a new folder still gets the default starter", () => {
    const next = add(project(), { name: "billing" });
    // Wired to the stack's add-ons, as every template service is.
    expect(next.parsed.config.services.billing).toEqual({ template: "python-http", path: "services/billing", port: 8000, depends_on: ["postgres", "redis"] });
  });
});
