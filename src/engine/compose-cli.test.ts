import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { composePluginFile, findCompose } from "./compose-cli.js";

let dir: string;
const saved = { PATH: process.env.PATH, DOCKER_CONFIG: process.env.DOCKER_CONFIG };

function script(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "compose-cli-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "config", "cli-plugins"), { recursive: true });
  // The docker CLI runs its plugin with the arguments after "compose" (and says it did).
  script(join(dir, "bin", "docker"), `[ "$1" = compose ] || exit 1; echo cli >> "${join(dir, "calls")}"; shift; exec "${join(dir, "config", "cli-plugins", "docker-compose")}" "$@"`);
  script(join(dir, "config", "cli-plugins", "docker-compose"), `[ "$1 $2" = "version --short" ] && echo v2.99.1`);
  process.env.PATH = `${join(dir, "bin")}:/usr/bin:/bin`;
  process.env.DOCKER_CONFIG = join(dir, "config");
});
afterEach(() => {
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

const cliCalls = () => (existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").split("\n").filter(Boolean).length : 0);

describe("finding compose", () => {
  it("asks the plugin's file directly where the docker CLI would find it, and runs commands with it too", async () => {
    const compose = await findCompose();
    expect(compose).toMatchObject({ kind: "v2", version: "2.99.1", command: ["docker", "compose"] });
    expect(cliCalls()).toBe(0);
    expect((await compose.run(["version", "--short"], { cwd: dir })).stdout.trim()).toBe("v2.99.1");
    expect(cliCalls()).toBe(0);
  });

  it("asks through the docker CLI where its config names plugin folders of its own, or the file fails", async () => {
    writeFileSync(join(dir, "config", "config.json"), JSON.stringify({ cliPluginsExtraDirs: ["/opt/plugins"] }));
    expect(composePluginFile()).toBeUndefined();
    const compose = await findCompose();
    expect(compose.version).toBe("2.99.1");
    expect(cliCalls()).toBe(1);
    await compose.run(["version", "--short"], { cwd: dir });
    expect(cliCalls()).toBe(2);
  });
});
