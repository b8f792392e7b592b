import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const run = (cli: string, args: string[], cwd?: string) => spawnSync("node", [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, input: "" });

function scaffold(presets: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "cs-last-")), "app");
  const made = run(CREATE, [dir, "--yes", "--preset", presets, "--proxy", "none"]);
  expect(made.status, made.stderr).toBe(0);
  return dir;
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => /^(stack|compose.*)\.yaml$|^\.env$/.test(f)).map((f) => [f, readFileSync(join(dir, f), "utf8")]));

describe("dev remove service of the stack's last own service", () => {
  it("with presets still running something: writes services: {}, and every file stays valid", () => {
    const dir = scaffold("python-http,postgres");
    const removed = run(DEV, ["remove", "service", "api"], dir);
    expect(removed.status, removed.stderr).toBe(0);
    const stack = readFileSync(join(dir, "stack.yaml"), "utf8");
    expect(stack).toMatch(/^services: \{\}$/m);
    expect(parse(stack).services).toEqual({});
    for (const file of readdirSync(dir).filter((f) => /^compose(\.[a-z]+)?\.yaml$/.test(f))) {
      const doc = parse(readFileSync(join(dir, file), "utf8"));
      expect(validate(doc), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(Object.keys(parse(readFileSync(join(dir, "compose.yaml"), "utf8")).services)).toEqual(["postgres"]);
    // The project reads back as it is, and a new service goes in where the old one was.
    expect(run(DEV, ["sync"], dir).stdout).toMatch(/up to date/);
    const added = run(DEV, ["add", "service", "web", "--template", "python-http", "--no-start"], dir);
    expect(added.status, added.stderr).toBe(0);
    expect(Object.keys(parse(readFileSync(join(dir, "stack.yaml"), "utf8")).services)).toEqual(["web"]);
  }, 60_000);

  it("with nothing else in the stack: refused with exit 2, saying what to do, nothing written", () => {
    const dir = scaffold("python-http");
    const before = snapshot(dir);
    const removed = run(DEV, ["remove", "service", "api"], dir);
    expect(removed.status).toBe(2);
    expect(removed.stderr).toMatch(/^error: api is the only service of the stack; removing it would leave nothing to run\n {2}hint: add the service that replaces it first \(dev add service NAME\), then remove api\n$/);
    expect(snapshot(dir)).toEqual(before);
    const json = run(DEV, ["remove", "service", "api", "--json"], dir);
    expect(JSON.parse(json.stdout).errors[0].code).toBe("E_LAST_SERVICE");
  }, 60_000);
});
