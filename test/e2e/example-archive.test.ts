import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { scaffoldExample } from "../golden/scaffold-example.js";
import { DEV, EXTRAS_IMAGE_ARGS, cleanupDir, envValue, getUntilOk, removeProject, sh, uniqueName } from "./support.js";

/**
 * examples/archive-site, made by the commands in its README, runs: a Node frontend at / and a
 * Django backend at /api on Postgres behind nginx. The only change: images: maps the images its
 * presets name to the local test images, as a registry mirror would.
 */
let dir = "";
let project = "";

afterAll(async () => {
  if (project) await removeProject(project);
  if (dir) await cleanupDir(join(dir, ".."));
});

describe("examples/archive-site", () => {
  it("is made by its README's commands and serves / and /api through nginx", async () => {
    const made = scaffoldExample("archive-site");
    expect(made.status, made.stderr + made.stdout).toBe(0);
    dir = made.dir;
    const doc = parseDocument(await readFile(join(dir, "stack.yaml"), "utf8"));
    // A unique project name on a shared engine.
    project = uniqueName("archive");
    doc.set("name", project);
    const images: Record<string, string> = {};
    for (let i = 0; i < EXTRAS_IMAGE_ARGS.length; i += 2) {
      const [from, to] = EXTRAS_IMAGE_ARGS[i + 1]!.split("=");
      images[from!] = to!;
    }
    doc.set("images", images);
    await writeFile(join(dir, "stack.yaml"), doc.toString());
    const env = await readFile(join(dir, ".env"), "utf8");
    await writeFile(join(dir, ".env"), env.replace(/^COMPOSE_PROJECT_NAME=.*$/m, `COMPOSE_PROJECT_NAME=${project}`));
    const up = await sh("node", [DEV, "up", "--no-watch"], { cwd: dir, timeoutMs: 600_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const proxy = `http://127.0.0.1:${envValue(await readFile(join(dir, ".env"), "utf8"), "PROXY_PORT")}`;
    const web = await getUntilOk(`${proxy}/some/page`);
    expect(JSON.parse(web.body)).toMatchObject({ service: "web", path: "/some/page" });
    const api = await getUntilOk(`${proxy}/api/`);
    expect(JSON.parse(api.body)).toMatchObject({ service: "api", database: "postgresql" });
  });
});
