import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CREATE_STACK_CLI as CLI, ensureBuiltCli } from "../support/built-cli.js";

const run = (args: string[], cwd?: string) => spawnSync("node", [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const tmp = () => mkdtempSync(join(tmpdir(), "create-stack-cli-"));
const env = (dir: string) => Object.fromEntries(readFileSync(join(dir, ".env"), "utf8").split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));

// Each case starts the CLI several times: seconds each on a busy machine.
describe("create-stack, the built CLI", { timeout: 120_000 }, () => {
  // Builds when dist/ is missing or older than src/; fails saying why when it cannot.
  beforeAll(() => ensureBuiltCli(), 300_000);

  it("--yes writes the default project: secrets in a private, git-ignored .env, blanks in .env.example", () => {
    const dir = join(tmp(), "shop");
    const res = run([dir, "--yes"]);
    expect(res.status, res.stderr).toBe(0);
    for (const f of ["stack.yaml", "compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "compose.tools.yaml", "services/api/app.py", "services/api/tasks.py", "README.md"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(statSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^\.env$/m);
    const values = env(dir);
    expect(values.POSTGRES_PASSWORD).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(values.COMPOSE_PROJECT_NAME).toBe("shop");
    expect(readFileSync(join(dir, ".env.example"), "utf8")).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(readFileSync(join(dir, ".env.example"), "utf8")).not.toContain(values.POSTGRES_PASSWORD);
  });

  it("--dry-run lists the plan and writes nothing; --json is machine-readable", () => {
    const dir = join(tmp(), "dry");
    const res = run([dir, "--dry-run", "--yes"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^CREATE compose\.yaml$/m);
    expect(existsSync(dir)).toBe(false);
    const json = JSON.parse(run([dir, "--dry-run", "--json", "--proxy", "nginx"]).stdout);
    expect(json).toMatchObject({ ok: true, dryRun: true, name: "dry" });
    expect(json.files.map((f: { path: string }) => f.path)).toContain("proxy/nginx/default.conf");
  });

  it("refuses a non-empty folder unless --force, and --force keeps what is there", () => {
    const dir = tmp();
    writeFileSync(join(dir, "notes.txt"), "mine");
    writeFileSync(join(dir, "README.md"), "# my readme\n");
    const refused = run([dir, "--yes", "--name", "kept"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/is not empty[\s\S]*--force/);
    expect(readdirSync(dir).sort()).toEqual(["README.md", "notes.txt"]);
    const forced = run([dir, "--yes", "--force", "--name", "kept"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# my readme\n");
    expect(forced.stdout).toMatch(/^KEEP\s+README\.md/m);
  });

  it("bad input: exit 2 with a hint, nothing written", () => {
    const dir = join(tmp(), "bad");
    const cases: [string[], RegExp][] = [
      [["--preset", "postgres,mongo"], /unknown preset: mongo[\s\S]*hint: known presets: .*postgres/],
      [["--name", "Bad_Name"], /--name "Bad_Name" is not a valid name/],
      [["--preset", "traefik,nginx"], /cannot be used together/],
      [["--preset", "worker"], /needs the redis preset/],
      [["--image", "nonsense"], /is not FROM=TO/],
      [["--proxy", "apache"], /--proxy "apache" is not a proxy preset[\s\S]*hint: choose one of: caddy, nginx, traefik, none/],
    ];
    for (const [args, message] of cases) {
      const res = run([dir, "--yes", ...args]);
      expect(res.status, args.join(" ")).toBe(2);
      expect(res.stderr, args.join(" ")).toMatch(message);
      expect(existsSync(dir), args.join(" ")).toBe(false);
    }
  });

  it("re-running keeps secrets and ports; a hand-edited generated file stops it, naming the file", () => {
    const dir = join(tmp(), "again");
    expect(run([dir, "--yes"]).status).toBe(0);
    const first = env(dir);
    const second = run([dir, "--yes", "--force"]);
    expect(second.status, second.stderr).toBe(0);
    expect(env(dir)).toEqual(first);
    writeFileSync(join(dir, "compose.yaml"), readFileSync(join(dir, "compose.yaml"), "utf8") + "# my tweak\n");
    const before = readFileSync(join(dir, "stack.yaml"), "utf8");
    const third = run([dir, "--yes", "--force", "--proxy", "nginx"]);
    expect(third.status).toBe(1);
    expect(third.stderr).toMatch(/compose\.yaml: edited by hand[\s\S]*hint: move the change into stack\.yaml/);
    // Nothing of the nginx variant was written: not the new proxy config, not the new stack.yaml.
    expect(existsSync(join(dir, "proxy/nginx"))).toBe(false);
    expect(readFileSync(join(dir, "stack.yaml"), "utf8")).toBe(before);
  });

  it("--help is fast to reach and lists the options", () => {
    const res = run(["--help"]);
    expect(res.status).toBe(0);
    for (const opt of ["--preset", "--proxy", "--dry-run", "--force", "--json", "--image"]) expect(res.stdout).toContain(opt);
  });
});
