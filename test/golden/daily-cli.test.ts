import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPresets } from "../../src/presets/load-presets.js";
import { selectionProblem } from "../../src/create/prompt-choices.js";
import { runCommand } from "../../src/cli/run-command.js";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const run = (cli: string, args: string[], cwd?: string) => spawnSync("node", [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, input: "" });
const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version as string;

describe("daily use of the built CLIs", () => {
  it("--version prints the package's version", () => {
    expect(run(CREATE, ["--version"]).stdout.trim()).toBe(version);
    expect(run(DEV, ["--version"]).stdout.trim()).toBe(version);
  }, 20_000);

  it("mistyped commands and flags get a suggestion and exit 2", () => {
    const cmd = run(DEV, ["stauts"]);
    expect(cmd.status).toBe(2);
    expect(cmd.stderr).toMatch(/Did you mean status\?/);
    const flag = run(DEV, ["down", "--voluems"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/did you mean --volumes\?/);
    expect(run(CREATE, ["x", "--prest", "redis"]).stderr).toMatch(/did you mean --preset\?/);
  }, 30_000);

  it("create-stack without a folder and no terminal says what to pass; in . it prints no cd", () => {
    const none = run(CREATE, ["--yes"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/say which folder to create/);
    const dir = join(mkdtempSync(join(tmpdir(), "cs-daily-")), "here-app");
    mkdirSync(dir);
    // Our dev first on PATH (a global install): the hint says dev, not npx.
    const bin = mkdtempSync(join(tmpdir(), "cs-daily-bin-"));
    symlinkSync(DEV, join(bin, "dev"));
    const here = spawnSync("node", [CREATE, ".", "--yes", "--preset", "python-http", "--proxy", "none"], {
      cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", PATH: `${bin}${delimiter}${process.env.PATH}` },
    });
    expect(here.status, here.stderr).toBe(0);
    expect(here.stdout).not.toMatch(/cd \./);
    expect(here.stdout).toMatch(/^ {2}dev up +# or, without create-stack: docker(-| )compose up$/m);
    expect(here.stdout).not.toMatch(/npx/);
    // No dev of ours on PATH (as after `npx create-stack`): through npx, and how to install it.
    const elsewhere = spawnSync("node", [CREATE, join(dir, "..", "npx-app"), "--yes", "--preset", "python-http", "--proxy", "none"], {
      cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", PATH: dirname(process.execPath) },
    });
    expect(elsewhere.status, elsewhere.stderr).toBe(0);
    expect(elsewhere.stdout).toMatch(/^ {2}cd \S+npx-app\n {2}npx -p create-stack dev up +# or, without create-stack: docker(-| )compose up\n {2}\(npm install -g create-stack puts dev on your PATH: then just dev up\)$/m);
    // The schema line resolves: a copy of the installed schema beside the project.
    expect(readFileSync(join(dir, "stack.yaml"), "utf8")).toMatch(/^# yaml-language-server: \$schema=\.create-stack\/stack\.schema\.json$/m);
    expect(JSON.parse(readFileSync(join(dir, ".create-stack/stack.schema.json"), "utf8")).properties.services).toBeDefined();
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^\.create-stack\/$/m);
  }, 30_000);

  it("dev remove service takes its host port out of .env", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cs-daily-")), "rm-app");
    expect(run(CREATE, [dir, "--yes", "--preset", "python-http", "--proxy", "nginx"]).status).toBe(0);
    const added = run(DEV, ["add", "service", "billing", "--route", "/billing", "--no-start"], dir);
    expect(added.status, added.stderr).toBe(0);
    expect(readFileSync(join(dir, ".env"), "utf8")).toMatch(/^BILLING_PORT=\d+$/m);
    const removed = run(DEV, ["remove", "service", "billing"], dir);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain("removed BILLING_PORT from .env");
    expect(readFileSync(join(dir, ".env"), "utf8")).not.toMatch(/BILLING_PORT/);
  }, 60_000);

  it("dev open of a service the stack does not have says so, with the services it has", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cs-daily-")), "open-app");
    expect(run(CREATE, [dir, "--yes", "--preset", "python-http", "--proxy", "nginx"]).status).toBe(0);
    const res = run(DEV, ["open", "nope", "--print"], dir);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/unknown service: nope/);
    expect(res.stderr).toMatch(/hint: services: api, nginx/);
  }, 30_000);

  it("outside a project the hint names create-stack", () => {
    const res = run(DEV, ["status"], mkdtempSync(join(tmpdir(), "cs-daily-")));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/create one with: create-stack my-app/);
  }, 20_000);

  it("two starters wanting one name, an empty selection or a worker without redis are refused", () => {
    expect(run(CREATE, [join(tmpdir(), "never-made"), "--yes", "--preset", "python-http,fastapi"]).stderr).toMatch(/python-http and fastapi both make a service named api/);
    const registry = loadPresets();
    expect(selectionProblem([], "none", registry)).toMatch(/at least one/);
    expect(selectionProblem(["python-http", "worker"], "none", registry)).toMatch(/redis/);
    expect(selectionProblem(["python-http", "fastapi"], "none", registry)).toMatch(/both make a service named api/);
    expect(selectionProblem(["python-http", "postgres", "redis", "worker"], "traefik", registry)).toBeUndefined();
  }, 20_000);

  it("Ctrl-C at a prompt is a quiet cancel with exit code 130", async () => {
    const cancel = Object.assign(new Error("User force closed the prompt with SIGINT"), { name: "ExitPromptError" });
    const before = process.exitCode;
    await runCommand({}, async () => {
      throw cancel;
    });
    expect(process.exitCode).toBe(130);
    process.exitCode = before;
  });
});
