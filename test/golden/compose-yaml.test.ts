import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { memoryReader } from "../../src/fs/disk-reader.js";
import type { Plan } from "../../src/fs/plan.js";
import { planProject } from "../../src/plan/plan-project.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { stringifyCompose } from "../../src/render/compose-yaml.js";
import { WATCH_FILE } from "../../src/render/watch-layer.js";
import { parseStack } from "../../src/stack/parse-stack.js";
import { validateStack } from "../../src/stack/validate-stack.js";
import { fixtureCases, planFixture } from "./plan-fixture.js";

// compose.watch.yaml is left out: only compose v2.24+ reads it (its \`!override\` tag is theirs;
// docker-compose v1 never sees it in COMPOSE_FILE), and test/golden/watch-layer.test.ts reads it.
const composeFiles = (plan: Plan) => plan.files.filter((f) => /^compose(\.[a-z]+)?\.yaml$/.test(f.path) && f.path !== WATCH_FILE);

/** docker-compose v1 reads compose files with PyYAML (YAML 1.1): the reader that matters. */
const pyyaml = spawnSync("python3", ["-c", "import yaml"]).status === 0;
function readWithPyYaml(texts: string[]): unknown[] {
  const script = "import sys, json, yaml\nprint(json.dumps([yaml.safe_load(t) for t in json.load(sys.stdin)]))";
  const res = spawnSync("python3", ["-c", script], { input: JSON.stringify(texts), encoding: "utf8" });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as unknown[];
}

/** The same data whichever YAML version reads the text (and PyYAML, if present). */
function expectSameUnderEveryReader(texts: string[], what: string): void {
  const v12 = texts.map((t) => parse(t, { version: "1.2" }) as unknown);
  texts.forEach((t, i) => expect(parse(t, { version: "1.1" }), `${what} #${i} YAML 1.1`).toEqual(v12[i]));
  if (!pyyaml) throw new Error("PyYAML is missing (python3 -c 'import yaml' fails): install python3-yaml, the reader docker-compose v1 uses");
  expect(readWithPyYaml(texts), `${what}: PyYAML`).toEqual(JSON.parse(JSON.stringify(v12)));
}

/** Strings some YAML reader takes for something else, plus ones that need quoting for other reasons. */
const HOSTILE = [
  "yes", "Yes", "YES", "no", "on", "On", "off", "OFF", "y", "Y", "n", "N", "true", "False", "null", "Null", "~", "",
  "1_000", "12:30", "1:2:3", "0o17", "017", "0x1F", "0b101", "+12", "-.5", ".inf", "-.Inf", ".nan", "1e3", "1.5", "2024-01-01",
  "2001-12-14t21:59:43.10-05:00", "=", "<<", "a: b", "#x", "- x", "'q'", "\"dq\"", "multi\nline", " lead", "trail ", "@x", "`x",
  "5$USD", "$HOME", "${POSTGRES_PASSWORD}", "$(id)", "$$", "%x", "!tag", "&anchor", "*alias", "[a]", "{a: 1}", "?", "|", ">",
];

describe("compose files read the same under YAML 1.1 (docker-compose v1) and YAML 1.2 (compose v2)", { timeout: 60_000 }, () => {
  it("the comparison can fail: unquoted 1.1 words read differently (control)", () => {
    expect(parse("k: yes", { version: "1.1" })).toEqual({ k: true });
    expect(parse("k: yes", { version: "1.2" })).toEqual({ k: "yes" });
    expect(parse("k: 0o17", { version: "1.2" })).toEqual({ k: 15 });
    expect(stringifyCompose({ a: ["yes", "0o17", "12:30", "=", "<<", "e7"] })).toBe('a:\n  - "yes"\n  - "0o17"\n  - "12:30"\n  - "="\n  - "<<"\n  - "e7"\n');
    expect(stringifyCompose({ a: ["value-1", "3s", "postgres"] })).toBe("a:\n  - value-1\n  - 3s\n  - postgres\n");
  });

  for (const name of fixtureCases()) {
    it(`fixture ${name}: every compose layer`, async () => {
      const files = composeFiles(await planFixture(name));
      expect(files.length).toBeGreaterThan(0);
      expectSameUnderEveryReader(files.map((f) => f.content), name);
    });
  }

  it("hostile env keys, values and commands from stack.yaml", async () => {
    const env = Object.fromEntries(HOSTILE.map((v, i) => [`V${i}`, v]));
    for (const key of ["ON", "Y", "NO", "TRUE", "NULL", "OFF"]) env[key] = "x";
    const text = stringifyStack({ env, command: ["sh", "-c", ...HOSTILE] });
    const plan = await planText(text);
    const files = composeFiles(plan);
    expectSameUnderEveryReader(files.map((f) => f.content), "hostile");
    const base = parse(files.find((f) => f.path === "compose.yaml")!.content) as any;
    const dev = parse(files.find((f) => f.path === "compose.dev.yaml")!.content) as any;
    // Compose turns `$$` back into `$`: after that, every value is exactly what stack.yaml said.
    const unescape = (s: string) => s.replace(/\$\$/g, "$");
    for (const [k, v] of Object.entries(env)) expect(unescape(base.services.api.environment[k]), k).toBe(v);
    // The dev layer runs it under the reload supervisor (sh -c SCRIPT NAME GRACE COMMAND...).
    expect(dev.services.api.command.slice(3).map(unescape)).toEqual(["api", "10", "sh", "-c", ...HOSTILE]);
  });

  it("random strings round-trip through every reader (seeded property test)", () => {
    const alphabet = ["y", "e", "s", "o", "n", "0", "1", "7", "_", ":", ".", "-", "+", "e", "x", "b", "o", "i", "f", "~", "=", "<", "$", "{", "}", " ", "#", "'", '"', "\n", "N", "T", "a"];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const samples = Array.from({ length: 400 }, () => Array.from({ length: 1 + rand(6) }, () => alphabet[rand(alphabet.length)]).join(""));
    const texts = samples.map((s) => stringifyCompose({ services: { api: { environment: { [`K_${s.length}`]: s }, command: [s] } } }));
    expectSameUnderEveryReader(texts, "random");
    texts.forEach((t, i) => expect((parse(t, { version: "1.1" }) as any).services.api.command[0], JSON.stringify(samples[i])).toBe(samples[i]));
  });

  const compose = ["docker-compose", "version"];
  it("docker-compose keeps `$` from stack.yaml literally: no secret, no empty value", async () => {
    if (spawnSync(compose[0]!, compose.slice(1)).status !== 0) throw new Error(`${compose.join(" ")} is missing: install docker compose or docker-compose (npm run test:all does)`);
    const text = stringifyStack({ env: { PRICE: "5$USD", LEAK: "${POSTGRES_PASSWORD}", HOME_DIR: "$HOME", ANSWER: "yes", TIME: "12:30" } });
    const plan = await planText(text);
    const root = mkdtempSync(join(tmpdir(), "create-stack-dollar-"));
    for (const f of plan.files) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.path === ".env" ? f.content.replace(/^POSTGRES_PASSWORD=.*$/m, "POSTGRES_PASSWORD=sekrit-value") : f.content);
    }
    const res = spawnSync("docker-compose", ["config"], { cwd: root, encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    const api = (parse(res.stdout) as any).services.api.environment;
    // `config` prints the file again, so a literal `$` comes back escaped as `$$`.
    expect(api).toMatchObject({ PRICE: "5$$USD", LEAK: "$${POSTGRES_PASSWORD}", HOME_DIR: "$$HOME", ANSWER: "yes", TIME: "12:30" });
  });
});

function stringifyStack(api: { env?: Record<string, string>; command?: string[] }): string {
  // JSON is YAML: the hostile strings reach stack.yaml exactly, whatever they hold.
  const stringify = (d: unknown) => JSON.stringify(d);
  return [
    "version: 1",
    "name: shop",
    "presets: [postgres, nginx]",
    "services:",
    `  api: ${stringify({ template: "python-http", path: "services/api", port: 8000, route: "/api", depends_on: ["postgres"], ...api })}`,
    "",
  ].join("\n");
}

async function planText(text: string): Promise<Plan> {
  const presets = loadPresets();
  const parsed = parseStack(text);
  validateStack(parsed.config, presets, parsed);
  return planProject({
    root: "/project",
    stack: parsed.config,
    presets,
    reader: memoryReader(),
    allocatePort: async (p) => p,
    secret: () => "s",
  });
}
