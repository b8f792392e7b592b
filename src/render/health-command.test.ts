import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHealthTest, httpHealthTest } from "./health-command.js";

/**
 * Runs the generated --health-http script with /bin/sh in a PATH holding only the given tools,
 * the way an image with just that client would, against a real server.
 */
let server: ChildProcess;
let port = 0;
const dirs: string[] = [];

// In its own process: the checks run synchronously and would block a server in this one.
const SERVER = `require("http").createServer((q, s) => { s.writeHead(q.url === "/health" ? 200 : 503); s.end("x"); })
  .listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;

beforeAll(async () => {
  server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  port = await new Promise<number>((resolve) => server.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
});
afterAll(() => {
  server.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function pathWith(tools: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "health-path-"));
  dirs.push(dir);
  for (const tool of [...tools, "head", "grep"]) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8", env: { PATH: "/usr/local/bin:/usr/bin:/bin" } }).stdout.trim();
    if (found) symlinkSync(found, join(dir, tool));
  }
  return dir;
}

function run(script: string[], tools: string[]): { status: number | null; stderr: string } {
  expect(script[0]).toBe("CMD-SHELL");
  // compose turns $$ into $; the HTTP script has no $ at all.
  const res = spawnSync("/bin/sh", ["-c", script[1]!.replace(/\$\$/g, "$")], { encoding: "utf8", env: { PATH: pathWith(tools) }, timeout: 10_000 });
  return { status: res.status, stderr: res.stderr };
}

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`], { env: { PATH: "/usr/local/bin:/usr/bin:/bin" } }).status === 0;

describe("--health-http works in any image with a shell", () => {
  for (const tool of ["curl", "wget", "node", "python3", "bash"]) {
    it(`with only ${tool}: healthy on 2xx, unhealthy on 503 and on a closed port`, () => {
      // Each client is one the generated script may fall back to: a host without it cannot check that path.
      if (!has(tool)) throw new Error(`${tool} is missing: install it to test the --health-http script's ${tool} path`);
      expect(run(httpHealthTest(port, "/health"), [tool]).status, tool).toBe(0);
      expect(run(httpHealthTest(port, "/other"), [tool]).status, tool).not.toBe(0);
      expect(run(httpHealthTest(1, "/health"), [tool]).status, tool).not.toBe(0);
    });
  }

  it("with no client at all it fails and says what to do", () => {
    const res = run(httpHealthTest(port, "/health"), []);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/no HTTP client in the image.*healthcheck\.command/);
  });

  it("has no $ for compose to interpolate; a user's command keeps its $ through compose", () => {
    expect(httpHealthTest(8000, "/health")[1]).not.toContain("$");
    expect(commandHealthTest('test -n "$PORT"')).toEqual(["CMD-SHELL", 'test -n "$$PORT"']);
  });
});
