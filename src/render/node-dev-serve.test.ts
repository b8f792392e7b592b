import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRESETS_DIR, TEMPLATES_DIR } from "../fs/package-paths.js";
import { renderTemplate } from "./render-template.js";
import { RELOADED_LINE, SUPERVISOR_SCRIPT } from "./supervisor.js";

// The node starters' dev-serve.cjs, rendered as a new project gets it, with node-http's server.js,
// run by the local node under the dev layer's supervisor script (as `dev up` runs it).

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function project(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dev-serve-"));
  const vars = { name: "web", port: 3000 };
  writeFileSync(join(dir, "dev-serve.cjs"), renderTemplate(join(TEMPLATES_DIR, "node/dev-serve.cjs.hbs"), vars));
  writeFileSync(join(dir, "server.js"), renderTemplate(join(PRESETS_DIR, "node-http/server.js.hbs"), vars));
  writeFileSync(join(dir, "package.json"), renderTemplate(join(PRESETS_DIR, "node-http/package.json.hbs"), vars));
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

function run(dir: string, port: number, args: string[]) {
  const child = spawn(args[0]!, args.slice(1), { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const onData = (d: Buffer) => lines.push(...d.toString().split("\n").filter(Boolean));
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const until = async (re: RegExp, count = 1) => {
    const deadline = Date.now() + 15_000;
    while (lines.filter((l) => re.test(l)).length < count) {
      if (Date.now() > deadline) throw new Error(`no ${re} in:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, lines, exited, until };
}

const supervised = (dir: string, port: number) => run(dir, port, ["sh", "-c", SUPERVISOR_SCRIPT, "web", "2", "node", "dev-serve.cjs"]);

async function get(port: number): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/x`);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: String((err as Error).cause ?? err) };
  }
}

function save(dir: string, message: string) {
  const file = join(dir, "server.js");
  writeFileSync(file, readFileSync(file, "utf8").replace(/message: "[^"]*"/, `message: "${message}"`));
}

describe("the node starters' dev-serve.cjs", { timeout: 40_000 }, () => {
  it("under the supervisor, a SIGHUP swaps in server.js as saved while every request is answered", async () => {
    const dir = await project();
    const port = await freePort();
    const s = supervised(dir, port);
    try {
      await s.until(/web listening on/);
      for (const message of ["saved once", "saved twice"]) {
        const from = s.lines.length;
        const reloads = s.lines.filter((l) => RELOADED_LINE.test(l)).length;
        const statuses: number[] = [];
        const failures: string[] = [];
        let answered = false;
        const during = (async () => {
          while (!answered) {
            const res = await get(port);
            statuses.push(res.status);
            if (res.status !== 200) failures.push(res.body);
            answered = res.body.includes(message);
          }
        })();
        save(dir, message);
        s.child.kill("SIGHUP");
        await during;
        await s.until(RELOADED_LINE, reloads + 1);
        // server.js's own SIGTERM handler ended the old process: exit code 0.
        expect(s.lines.slice(from).find((l) => RELOADED_LINE.test(l))).toBe("create-stack: web reloaded (previous process exited with 0)");
        expect(failures, statuses.join(" ")).toEqual([]);
      }
      // Not restarted by the supervisor: it passed the signal on.
      expect(s.lines.filter((l) => /listening on/.test(l))).toHaveLength(3);
      s.child.kill("SIGTERM");
      expect(await s.exited).toBe(0);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("server.js failing to load on a save ends it with its code, as `node server.js` would end", async () => {
    const dir = await project();
    const port = await freePort();
    const s = supervised(dir, port);
    try {
      await s.until(/web listening on/);
      writeFileSync(join(dir, "server.js"), "throw new Error('broken on save');\n");
      s.child.kill("SIGHUP");
      expect(await s.exited).toBe(1);
      expect(s.lines.join("\n")).toMatch(/broken on save/);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("without the supervisor, runs server.js as the one main module of one process", async () => {
    const dir = await project({ "server.js": `console.log("main " + (require.main === module) + " " + process.argv[1].endsWith("server.js")); require("node:http").createServer((q, r) => r.end("ok")).listen(process.env.PORT, () => console.log("listening on"));\n` });
    const port = await freePort();
    const s = run(dir, port, ["node", "dev-serve.cjs"]);
    try {
      await s.until(/listening on/);
      expect(s.lines[0]).toBe("main true true");
      expect((await get(port)).body).toBe("ok");
    } finally {
      s.child.kill("SIGKILL");
    }
  });
});
