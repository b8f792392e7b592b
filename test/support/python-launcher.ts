import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { PRESETS_DIR } from "../../src/fs/package-paths.js";
import { renderTemplate } from "../../src/render/render-template.js";
import { RELOADED_LINE, SUPERVISOR_SCRIPT } from "../../src/render/supervisor.js";

// The python-http starter's serve.py, rendered as a new project gets it, with its app.py, run by
// the machine's python3 under the dev layer's supervisor script (as `dev up` runs it) or alone.

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function project(files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "serve-py-"));
  const vars = { name: "api", port: 8000 };
  writeFileSync(join(dir, "serve.py"), renderTemplate(join(PRESETS_DIR, "python-http/serve.py.hbs"), vars));
  writeFileSync(join(dir, "app.py"), renderTemplate(join(PRESETS_DIR, "python-http/app.py.hbs"), vars));
  writeFileSync(join(dir, "requirements.txt"), "");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

export function run(dir: string, port: number, args: string[], env: Record<string, string> = {}) {
  // TMPDIR: the supervisor's claim file lands in the project, where the test reads it.
  const child = spawn(args[0]!, args.slice(1), { cwd: dir, env: { ...process.env, PORT: String(port), TMPDIR: dir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  // Whole lines, however the output arrives; stdout and stderr each.
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.on("data", (d: Buffer) => {
      const parts = (partial + d.toString()).split("\n");
      partial = parts.pop()!;
      lines.push(...parts.filter(Boolean));
    });
    stream.on("end", () => partial && lines.push(partial));
  }
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

export const supervised = (dir: string, port: number, env: Record<string, string> = {}) => run(dir, port, ["sh", "-c", SUPERVISOR_SCRIPT, "api", "2", "python3", "serve.py"], env);

/** The long-lived serve.py: the pid it wrote into the supervisor's claim file. */
export const claimant = (dir: string, supervisor: number) => Number(readFileSync(join(dir, `create-stack-reload.${supervisor}`), "utf8"));

export async function get(port: number): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/x`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: String((err as Error).cause ?? err) };
  }
}

/**
 * Saves, signals the supervisor and sends requests until `marker` answers: none may be refused. (One
 * the old worker had taken when the TERM came can be cut short, as under a plain restart.)
 */
export async function saveAndReload(s: ReturnType<typeof supervised>, port: number, save: () => void, marker: string) {
  const reloads = s.lines.filter((l) => RELOADED_LINE.test(l)).length;
  const failures: string[] = [];
  let answered = false;
  const during = (async () => {
    while (!answered) {
      const res = await get(port);
      if (res.status === 0 && /ECONNREFUSED/.test(res.body)) failures.push(res.body);
      answered = res.body.includes(marker);
    }
  })();
  save();
  s.child.kill("SIGHUP");
  await during;
  await s.until(RELOADED_LINE, reloads + 1);
  expect(failures).toEqual([]);
}
