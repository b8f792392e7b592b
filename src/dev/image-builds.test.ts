import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import type { ComposeCli } from "../engine/compose-cli.js";
import { recordBuilt, serviceBuilds, staleBuilds } from "./image-builds.js";

let root = "";
const compose = { kind: "v2", version: "2.26.1", command: ["docker", "compose"] } as ComposeCli;
const write = (rel: string, text: string) => {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const COMPOSE = `services:
  api:
    build:
      context: ./services/api
      args:
        BASE_IMAGE: base/python:1
  worker:
    build: ./services/api
    image: team/worker:dev
  db:
    image: postgres:16
`;

async function stale(engine: FakeEngine, wanted?: string[]): Promise<string[]> {
  const builds = await serviceBuilds(root, "shop", compose, engine, wanted ? new Set(wanted) : undefined);
  return (await staleBuilds(root, engine, builds!)).map((b) => b.service);
}

async function buildAll(engine: FakeEngine, id = "sha256:built"): Promise<void> {
  const builds = (await serviceBuilds(root, "shop", compose, engine, undefined))!;
  for (const b of builds) engine.images.set(b.image, `${id}-${b.service}`);
  await recordBuilt(root, engine, builds);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "image-builds-"));
  write("compose.yaml", COMPOSE);
  write("services/api/Dockerfile", "ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\nCOPY . .\n");
  write("services/api/app.py", "print(1)\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("which images dev up builds", () => {
  it("names images as compose does, and builds what was never built by this tool", async () => {
    const engine = new FakeEngine();
    engine.images.set("base/python:1", "sha256:base1");
    engine.images.set("python:3.12-slim", "sha256:slim");
    const builds = (await serviceBuilds(root, "Shop", compose, engine, undefined))!;
    expect(builds.map((b) => [b.service, b.image])).toEqual([["api", "shop-api"], ["worker", "team/worker:dev"]]);
    expect((await serviceBuilds(root, "shop", { ...compose, kind: "v1" }, engine, undefined))!.map((b) => b.image)).toEqual(["shop_api", "team/worker:dev"]);
    expect(await stale(engine)).toEqual(["api", "worker"]);
    expect(await stale(engine, ["worker"])).toEqual(["worker"]);
  });

  it("builds nothing once built, and again what a change reaches", async () => {
    const engine = new FakeEngine();
    engine.images.set("base/python:1", "sha256:base1");
    engine.images.set("python:3.12-slim", "sha256:slim");
    await buildAll(engine);
    expect(await stale(engine)).toEqual([]);
    // A file of the shared context: both.
    write("services/api/app.py", "print(2)\n");
    expect(await stale(engine)).toEqual(["api", "worker"]);
    await buildAll(engine, "sha256:again");
    // A new base image under the same name: only the service built on it.
    engine.images.set("base/python:1", "sha256:base2");
    expect(await stale(engine)).toEqual(["api"]);
    await buildAll(engine, "sha256:third");
    // The image replaced by someone else's build (another ID), or removed.
    engine.images.set("shop-api", "sha256:other");
    engine.images.delete("team/worker:dev");
    expect(await stale(engine)).toEqual(["api", "worker"]);
  });

  it("a build arg or the build section changed builds again", async () => {
    const engine = new FakeEngine();
    engine.images.set("base/python:1", "sha256:base1");
    engine.images.set("base/python:2", "sha256:base1");
    engine.images.set("python:3.12-slim", "sha256:slim");
    await buildAll(engine);
    write("compose.yaml", COMPOSE.replace("base/python:1", "base/python:2"));
    expect(await stale(engine)).toEqual(["api"]);
    write("compose.yaml", COMPOSE.replace("    build: ./services/api\n", "    build:\n      context: ./services/api\n      target: dev\n"));
    expect(await stale(engine)).toEqual(["worker"]);
  });

  it("always builds what it cannot tell: secrets, a missing base image, a remote context", async () => {
    const engine = new FakeEngine();
    engine.images.set("base/python:1", "sha256:base1");
    write("compose.yaml", COMPOSE + "  other:\n    build:\n      context: ./services/api\n      secrets: [token]\n  remote:\n    build: https://example.org/repo.git\n");
    // python:3.12-slim (worker's base) is not here: a build would pull it.
    await buildAll(engine);
    expect(await stale(engine)).toEqual(["worker", "other", "remote"]);
  });

  it("services built on one base ask the engine for its ID once", async () => {
    write("compose.yaml", "services:\n" + ["a", "b", "c"].map((s) => `  ${s}:\n    build: ./services/api\n`).join(""));
    const engine = new FakeEngine();
    engine.images.set("python:3.12-slim", "sha256:slim");
    const builds = (await serviceBuilds(root, "shop", compose, engine, undefined))!;
    expect(builds.map((b) => b.inputs)).toEqual([builds[0]!.inputs, builds[0]!.inputs, builds[0]!.inputs]);
    expect(builds[0]!.inputs).toBeDefined();
    expect(engine.calls.filter((c) => c.method === "imageId").map((c) => c.args)).toEqual(["python:3.12-slim"]);
  });

  it("compose files it cannot read: undefined (the caller builds everything)", async () => {
    write("compose.yaml", "services: [unclosed\n");
    expect(await serviceBuilds(root, "shop", compose, new FakeEngine(), undefined)).toBeUndefined();
  });
});
