import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const lint = (cwd: string, ...args: string[]) =>
  spawnSync("node", [DEV, "lint", ...args], { cwd, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1", COMPOSE_FILE: "", COMPOSE_PROFILES: "" } });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dev-lint-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const EXPOSED = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\" # for psql from the host\n  web:\n    image: nginx:1.27\n";

describe("dev lint as a CLI process", { timeout: 120_000 }, () => {
  it("prints file:line:col severity rule message and a summary; exit 1 on errors", () => {
    const dir = project({ "compose.yaml": EXPOSED });
    const res = lint(dir);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe(
      "compose.yaml:5:9 error datastore-exposed db (postgres) publishes 5432 on all interfaces: bind it to 127.0.0.1 (127.0.0.1:5432:5432)\n" +
        "1 problem (1 error, 0 warnings) in 1 file; 1 fixable with --fix\n",
    );
  });

  it("exit 0 with warnings only, and with none", () => {
    expect(lint(project({ "compose.yaml": "services:\n  web: {image: nginx}\n" })).status).toBe(0);
    const clean = lint(project({ "compose.yaml": "services:\n  web: {image: nginx:1.27}\n" }));
    expect([clean.status, clean.stdout]).toEqual([0, "no problems in 1 file\n"]);
  });

  it("exit 2 with a located message on unreadable input, and on an unknown rule", () => {
    const bad = lint(project({ "compose.yaml": "services:\n  web:\n    image: [\n" }));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*compose\.yaml:\d+:\d+: not valid YAML/);
    const missing = lint(project({ "compose.yaml": EXPOSED }), "nope.yml");
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/-f names nope\.yml, which does not exist/)]);
    expect(lint(project({ "compose.yaml": EXPOSED }), "--disable", "no-such-rule").status).toBe(2);
  });

  it("--disable, a disable comment and stack.yaml's lint.disable turn a rule off", () => {
    expect(lint(project({ "compose.yaml": EXPOSED }), "--disable", "datastore-exposed").status).toBe(0);
    const commented = EXPOSED.replace('      - "5432:5432"', '      # dev-lint-disable-next-line datastore-exposed\n      - "5432:5432"');
    expect(lint(project({ "compose.yaml": commented })).status).toBe(0);
    const ours = project({ "compose.yaml": EXPOSED, "stack.yaml": "version: 1\nname: demo\nlint:\n  disable: [datastore-exposed]\n" });
    expect(lint(ours).status).toBe(0);
    const wrong = lint(project({ "compose.yaml": EXPOSED, "stack.yaml": "version: 1\nname: demo\nlint:\n  disable: [nope]\n" }));
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringMatching(/lint\.disable names no rule: nope/)]);
  });

  it("--format json and sarif", () => {
    const dir = project({ "compose.yaml": EXPOSED });
    const json = JSON.parse(lint(dir, "--format", "json").stdout);
    expect(json).toMatchObject({ ok: false, files: ["compose.yaml"], summary: { errors: 1, warnings: 0, fixable: 1 }, findings: [{ file: "compose.yaml", line: 5, col: 9, ruleId: "datastore-exposed", fixable: true }] });
    const sarif = JSON.parse(lint(dir, "--format", "sarif").stdout);
    expect(sarif.version).toBe("2.1.0");
    const result = sarif.runs[0].results[0];
    expect(result).toMatchObject({ ruleId: "datastore-exposed", level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: "compose.yaml" }, region: { startLine: 5, startColumn: 9 } } }] });
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe("datastore-exposed");
  });

  it("--fix prints the diff, keeps comments, writes through the project transaction and leaves no state behind", () => {
    const dir = project({ "compose.yaml": EXPOSED });
    const res = lint(dir, "--fix");
    expect(res.stdout).toContain('-      - "5432:5432" # for psql from the host\n+      - "127.0.0.1:5432:5432" # for psql from the host\n');
    expect(res.status).toBe(0);
    expect(readFileSync(join(dir, "compose.yaml"), "utf8")).toBe(EXPOSED.replace('"5432:5432"', '"127.0.0.1:5432:5432"'));
    expect(existsSync(join(dir, ".create-stack", "lock"))).toBe(false);
    expect(lint(dir).stdout).toBe("no problems in 1 file\n");
  });
});
