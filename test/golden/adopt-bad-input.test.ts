import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("COMPOSE_")));

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[full.slice(dir.length)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "adopt-bad-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const cases: { what: string; files: Record<string, string>; args?: string[]; error: RegExp }[] = [
  { what: "unreadable YAML", files: { "docker-compose.yml": "services:\n  web:\n    image: [nginx\n" }, error: /docker-compose\.yml:\d+:\d+/ },
  { what: "a file that is not compose", files: { "docker-compose.yml": "- just\n- a list\n" }, error: /docker-compose\.yml.*(not|compose)/ },
  { what: "a missing -f file", files: { "docker-compose.yml": "services:\n  web:\n    image: nginx\n" }, args: ["-f", "nope.yml"], error: /nope\.yml/ },
  {
    what: "an extends loop",
    files: { "docker-compose.yml": "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: y\n    extends: a\n" },
    error: /docker-compose\.yml:\d+:\d+.*(loop|extend)/,
  },
  { what: "an undefined required variable", files: { "docker-compose.yml": "services:\n  web:\n    image: nginx:${TAG:?set TAG in .env}\n" }, error: /docker-compose\.yml:3:\d+.*TAG/ },
  {
    what: "an nginx config that does not close a block",
    files: {
      "docker-compose.yml": "services:\n  web:\n    image: app\n  proxy:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf\n",
      "nginx.conf": "http {\n  server {\n    location / { proxy_pass http://web:80; }\n",
    },
    error: /nginx\.conf:2:10: this block is never closed/,
  },
];

describe("dev adopt refuses bad input: exit 2, a located message, nothing written", { timeout: 60_000 }, () => {
  for (const c of cases) {
    it(c.what, () => {
      const dir = project(c.files);
      const before = snapshot(dir);
      for (const dry of [[], ["--dry-run"]]) {
        const res = spawnSync("node", [DEV, "adopt", ...(c.args ?? []), ...dry], { cwd: dir, encoding: "utf8", env: { ...ENV, NO_COLOR: "1" } });
        expect(res.status, res.stderr).toBe(2);
        expect(res.stderr.split("\n")[0]).toMatch(/^error: /);
        expect(res.stderr).toMatch(c.error);
        expect(res.stderr).not.toMatch(/TypeError|report it if it looks like a bug/);
      }
      expect(snapshot(dir)).toEqual(before);
    });
  }
});
