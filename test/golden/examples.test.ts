import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

/** The images the end-to-end tests have locally (test/images/build.sh), by the names presets and users give them. */
const LOCAL_IMAGES = new Set(["postgres:16", "redis:7", "nginx:1.27", "python:3.12-slim", "node:20-slim", "rabbitmq:3-management"]);

/**
 * Each example either runs end to end against a real engine (its test file), or is checked here
 * only, for the reason given: images it needs that no test image stands in for (nothing is
 * pulled from a registry in the tests).
 */
const END_TO_END: Record<string, { test: string } | { missing: string[] }> = {
  "archive-site": { test: "test/e2e/example-archive.test.ts" },
  coproduction: { missing: ["traefik:v3.3"] },
  "event-platform": { missing: ["docker.elastic.co/elasticsearch/elasticsearch:8.15.3", "rethinkdb:2.4"] },
  "library-system": { missing: ["opensearchproject/opensearch:2.17.1", "traefik:v3.3"] },
  "review-platform": { missing: ["traefik:v3.3"] },
};

/**
 * The images a made project runs (each layer's service images and its Dockerfiles' FROM lines),
 * and the Dockerfiles whose CMD runs as is (no layer gives the service a command).
 */
function imagesOf(dir: string, layers: string[]): { images: Set<string>; cmdRuns: string[] } {
  const images = new Set<string>();
  const services = new Map<string, { context?: string; command: boolean }>();
  for (const layer of layers) {
    const defs = (parse(readFileSync(join(dir, layer), "utf8")) as { services?: Record<string, { image?: string; command?: unknown; build?: string | { context?: string; args?: Record<string, string> } }> }).services ?? {};
    for (const [name, def] of Object.entries(defs)) {
      if (typeof def.image === "string" && !def.build) images.add(def.image);
      const was = services.get(name) ?? { command: false };
      const context = typeof def.build === "string" ? def.build : def.build?.context;
      const base = typeof def.build === "object" ? def.build.args?.BASE_IMAGE : undefined;
      if (base) images.add(base);
      services.set(name, { context: context ?? was.context, command: was.command || def.command !== undefined });
    }
  }
  const dockerfiles = new Set([...services.values()].filter((s) => s.context && existsSync(join(dir, s.context, "Dockerfile"))).map((s) => join(s.context!, "Dockerfile")));
  for (const file of dockerfiles) {
    for (const m of readFileSync(join(dir, file), "utf8").matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gim)) if (!m[1]!.includes("$")) images.add(m[1]!);
  }
  const cmdRuns = [...new Set([...services.values()].filter((s) => s.context && !s.command && existsSync(join(dir, s.context, "Dockerfile"))).map((s) => join(s.context!, "Dockerfile")))];
  return { images, cmdRuns };
}

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
      // What its Dockerfiles run is there: a CMD naming a file names one the build folder holds.
      const { images, cmdRuns } = imagesOf(made.dir, layers);
      for (const file of cmdRuns) {
        const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(join(made.dir, file), "utf8"));
        const args = cmd ? (JSON.parse(cmd[1]!) as string[]) : [];
        for (const arg of args.filter((a) => /\.(js|mjs|py|sh)$/.test(a))) expect(existsSync(join(made.dir, dirname(file), arg)), `${file} runs ${arg}, which is not in its folder`).toBe(true);
      }
      const missing = [...images].filter((i) => !LOCAL_IMAGES.has(i) && !i.startsWith("${")).sort();
      const plan = END_TO_END[name];
      expect(plan, `examples/${name} is neither run end to end nor listed with what it lacks`).toBeDefined();
      if (plan && "test" in plan) {
        expect(missing, `${name} runs end to end: every image it needs has a local test image`).toEqual([]);
        expect(existsSync(fileURLToPath(new URL(`../../${plan.test}`, import.meta.url)))).toBe(true);
      } else {
        // Checked statically only, and why: an example whose images are all here runs end to end.
        expect(missing, `${name}: the images no test image stands in for`).toEqual(plan && "missing" in plan ? plan.missing : []);
      }
      if (!cli) throw new Error("no compose CLI: install docker compose (v2) or docker-compose (v1); each example must pass the one users have");
      const res = spawnSync(cli[0]!, [...cli.slice(1), "--profile", "tools", "config", "-q"], { cwd: made.dir, encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
    });
  }
});
