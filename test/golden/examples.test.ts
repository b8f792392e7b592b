import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadPresets } from "../../src/presets/load-presets.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { validateStack } from "../../src/stack/validate-stack.js";

/**
 * Every example under examples/ is made by the commands its README lists, run here as a user would
 * (create-stack, dev add, a Dockerfile of their own), and must come out as the stack.yaml beside
 * the README, valid for our schema, the Compose Specification and the compose CLI.
 */
const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/bin/", import.meta.url));
const COMPOSE_SPEC = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validateCompose = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(COMPOSE_SPEC, "utf8")));
const update = process.env.UPDATE_GOLDEN === "1";

/** The shell block of an example's README: the commands that make it. */
export function exampleCommands(name: string): string {
  const readme = readFileSync(join(EXAMPLES, name, "README.md"), "utf8");
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error(`examples/${name}/README.md has no sh block`);
  return block[1]!;
}

/** Runs an example's commands in a fresh folder with create-stack and dev on the PATH; returns the project. */
export function scaffoldExample(name: string, env: NodeJS.ProcessEnv = {}): { dir: string; stdout: string; stderr: string; status: number | null } {
  const work = mkdtempSync(join(tmpdir(), `example-${name}-`));
  const bin = join(work, ".bin");
  mkdirSync(bin);
  for (const cli of ["create-stack", "dev"]) {
    writeFileSync(join(bin, cli), `#!/bin/sh\nexec "${process.execPath}" "${join(DIST, `${cli}.js`)}" "$@"\n`);
    chmodSync(join(bin, cli), 0o755);
  }
  const res = spawnSync("bash", ["-euo", "pipefail", "-c", exampleCommands(name)], {
    cwd: work, encoding: "utf8", env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" }, timeout: 240_000,
  });
  const dirs = readdirSync(work).filter((d) => d !== ".bin");
  return { dir: join(work, dirs[0] ?? ""), stdout: res.stdout, stderr: res.stderr, status: res.status };
}

function composeCli(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return undefined;
}

const names = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, "README.md"))) : [];
const cli = composeCli();

describe.skipIf(!existsSync(join(DIST, "dev.js")))("examples: made by the commands in their README", () => {
  it("has the five stacks", () => expect(names.length).toBeGreaterThanOrEqual(5));

  for (const name of names) {
    it(name, { timeout: 300_000 }, () => {
      const made = scaffoldExample(name);
      expect(made.status, made.stderr + made.stdout).toBe(0);
      const text = readFileSync(join(made.dir, "stack.yaml"), "utf8");
      const expectedFile = join(EXAMPLES, name, "stack.yaml");
      if (update) writeFileSync(expectedFile, text);
      expect(text).toBe(readFileSync(expectedFile, "utf8"));

      const parsed = parseStack(text, `examples/${name}/stack.yaml`);
      validateStack(parsed.config, loadPresets(), parsed);
      const layers = readFileSync(join(made.dir, ".env"), "utf8").match(/^COMPOSE_FILE=(.*)$/m)![1]!.split(":");
      for (const layer of layers) {
        const ok = validateCompose(parse(readFileSync(join(made.dir, layer), "utf8")));
        expect(ok, `${layer}: ${JSON.stringify(validateCompose.errors)}`).toBe(true);
      }
      if (cli) {
        const res = spawnSync(cli[0]!, [...cli.slice(1), "--profile", "tools", "config", "-q"], { cwd: made.dir, encoding: "utf8" });
        expect(res.status, res.stderr).toBe(0);
      }
    });
  }
});
