import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadPresets } from "../../src/presets/load-presets.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { validateStack } from "../../src/stack/validate-stack.js";
import { EXAMPLES, scaffoldExample } from "./scaffold-example.js";

/**
 * Every example under examples/ is made by the commands its README lists, run here as a user would
 * (create-stack, dev add, a Dockerfile of their own), and must come out as the stack.yaml beside
 * the README, valid for our schema, the Compose Specification and the compose CLI.
 */
const DIST = fileURLToPath(new URL("../../dist/bin/", import.meta.url));
const COMPOSE_SPEC = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validateCompose = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(COMPOSE_SPEC, "utf8")));
const update = process.env.UPDATE_GOLDEN === "1";

function composeCli(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return undefined;
}

const names = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, "README.md"))) : [];
const cli = composeCli();

describe("examples: made by the commands in their README", () => {
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
      if (!cli) throw new Error("no compose CLI: install docker compose (v2) or docker-compose (v1); each example must pass the one users have");
      const res = spawnSync(cli[0]!, [...cli.slice(1), "--profile", "tools", "config", "-q"], { cwd: made.dir, encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
    });
  }
});
