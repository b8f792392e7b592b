import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRESETS_DIR } from "../fs/package-paths.js";
import { renderTemplate } from "./render-template.js";
import { RELOADED_LINE, SUPERVISOR_SCRIPT } from "./supervisor.js";

// The python-http starter's serve.py, rendered as a new project gets it, with its app.py, run by
// the machine's python3 under the dev layer's supervisor script (as `dev up` runs it) and alone
// (as the image would).

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function project(files: Record<string, string> = {}) {
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

function run(dir: string, port: number, args: string[], env: Record<string, string> = {}) {
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

const supervised = (dir: string, port: number, env: Record<string, string> = {}) => run(dir, port, ["sh", "-c", SUPERVISOR_SCRIPT, "api", "2", "python3", "serve.py"], env);

/** The long-lived serve.py: the pid it wrote into the supervisor's claim file. */
const claimant = (dir: string, supervisor: number) => Number(readFileSync(join(dir, `create-stack-reload.${supervisor}`), "utf8"));

async function get(port: number): Promise<{ status: number; body: string }> {
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
async function saveAndReload(s: ReturnType<typeof supervised>, port: number, save: () => void, marker: string) {
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

// Answers every request with MESSAGE over a bare asyncio server: no socketserver, no http.server.
const ASYNCIO_APP = `import asyncio, os

MESSAGE = "asyncio first"


async def answer(reader, writer):
    await reader.readuntil(b"\\r\\n\\r\\n")
    body = MESSAGE.encode()
    writer.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s" % (len(body), body))
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(answer, "0.0.0.0", int(os.environ["PORT"]))
    print("asyncio listening", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
`;

describe("the python-http starter's serve.py", { timeout: 40_000 }, () => {
  it("under the supervisor, a SIGHUP runs app.py as saved in a worker forked from the same parent, which holds the socket: no request is refused", async () => {
    const dir = project();
    const port = await freePort();
    const s = supervised(dir, port);
    try {
      await s.until(/api listening on/);
      const parent = claimant(dir, s.child.pid!);
      const file = join(dir, "app.py");
      for (const message of ["saved once", "saved twice"]) {
        // A slow start (0.3 s before the server binds): requests sent meanwhile wait in the held socket's queue.
        const save = () => writeFileSync(file, `import time; time.sleep(0.3)\n${readFileSync(file, "utf8").replace(/^import time; time\.sleep\(0\.3\)\n/, "").replace(/"message": "[^"]*"/, `"message": "${message}"`)}`);
        await saveAndReload(s, port, save, message);
      }
      // Reloaded by serve.py, not restarted by the supervisor: the same parent claims the reloads.
      expect(claimant(dir, s.child.pid!)).toBe(parent);
      expect(s.lines.filter((l) => RELOADED_LINE.test(l))).toEqual(Array(2).fill("create-stack: api reloaded (previous process exited with 143)"));
      s.child.kill("SIGTERM");
      // The worker died of the TERM, passed on: 143, as `python app.py` would end.
      expect(await s.exited).toBe(143);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("an app.py not built on socketserver (a bare asyncio server) runs, reloads and takes the held socket too", async () => {
    const dir = project({ "app.py": ASYNCIO_APP });
    const port = await freePort();
    const s = supervised(dir, port);
    try {
      await s.until(/asyncio listening/);
      expect((await get(port)).body).toBe("asyncio first");
      const file = join(dir, "app.py");
      await saveAndReload(s, port, () => writeFileSync(file, ASYNCIO_APP.replace("asyncio first", "asyncio saved")), "asyncio saved");
      expect((await get(port)).body).toBe("asyncio saved");
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("app.py failing to load on a save ends it with its code, as `python app.py` would end", async () => {
    const dir = project();
    const port = await freePort();
    const s = supervised(dir, port);
    try {
      await s.until(/api listening on/);
      writeFileSync(join(dir, "app.py"), "raise SystemExit('broken on save')\n");
      s.child.kill("SIGHUP");
      expect(await s.exited).toBe(1);
      expect(s.lines.join("\n")).toMatch(/broken on save/);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("the parent imports the installed distributions requirements.txt names, never a module of the project's folder", async () => {
    // fakedist: installed (a folder on PYTHONPATH with its dist-info); shout: installed too, but the
    // project has a shout.py of its own, which is the one `import shout` finds.
    const imported = (name: string) => `import os\nprint("${name} imported by", os.getpid(), flush=True)\n`;
    const site = mkdtempSync(join(tmpdir(), "serve-py-site-"));
    for (const name of ["fakedist", "shout"]) {
      mkdirSync(join(site, name));
      mkdirSync(join(site, `${name}-1.0.dist-info`));
      writeFileSync(join(site, name, "__init__.py"), imported(`installed ${name}`));
      writeFileSync(join(site, `${name}-1.0.dist-info/METADATA`), `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`);
      writeFileSync(join(site, `${name}-1.0.dist-info/top_level.txt`), `${name}\n`);
    }
    const dir = project({
      "shout.py": imported("project shout"),
      "requirements.txt": "# what the api needs\nFakeDist[extra] >= 1.0 ; python_version >= '3'  # installed\n-e .\n./local-folder\nshout\n",
      "app.py": `import fakedist, shout\n${readFileSync(join(PRESETS_DIR, "python-http/app.py.hbs"), "utf8").replaceAll("{{name}}", "api").replaceAll("{{port}}", "8000")}`,
    });
    const port = await freePort();
    const s = supervised(dir, port, { PYTHONPATH: site });
    try {
      await s.until(/api listening on/);
      const parent = claimant(dir, s.child.pid!);
      await saveAndReload(s, port, () => writeFileSync(join(dir, "app.py"), readFileSync(join(dir, "app.py"), "utf8").replace("hello from api", "saved")), "saved");
      const by = (re: RegExp) => s.lines.filter((l) => re.test(l)).map((l) => Number(l.split(" ").pop()));
      // Imported once, by the parent: the workers have it already.
      expect(by(/^installed fakedist imported/)).toEqual([parent]);
      // The project's shout.py, by each worker; the installed shout never.
      expect(by(/^project shout imported/)).toHaveLength(2);
      expect(by(/^project shout imported/)).not.toContain(parent);
      expect(by(/^installed shout imported/)).toEqual([]);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("without the supervisor, runs the script as __main__ in this one process, with its arguments and its exit code", async () => {
    const dir = project({ "other.py": `import os, sys\nprint(__name__, sys.argv, os.getpid(), flush=True)\nsys.exit(3)\n` });
    const port = await freePort();
    const s = run(dir, port, ["python3", "serve.py", "other.py", "--flag"]);
    expect(await s.exited).toBe(3);
    expect(s.lines).toEqual([`__main__ ['other.py', '--flag'] ${s.child.pid}`]);
  });

  it("reads the requirement names pip would install: options, paths and URLs name none; -r files are read too", () => {
    const dir = project({
      "requirements.txt": "celery[redis]>=5.3  # broker\nredis\n-r more.txt\n--index-url https://example.org/simple\n-e ./lib\ngit+https://example.org/x.git\nhttps://example.org/y.whl\nZope.Interface==6.0; python_version > '3'\nname @ https://example.org/z.whl\n",
      "more.txt": "# nothing but\nPyYAML~=6.0\n-r requirements.txt\n",
    });
    const code = `import runpy, json\nns = runpy.run_path("serve.py", run_name="launcher")\nprint(json.dumps(ns["requirement_names"]("requirements.txt")))`;
    expect(JSON.parse(execFileSync("python3", ["-c", code], { cwd: dir, encoding: "utf8" }))).toEqual(["celery", "redis", "pyyaml", "zope-interface", "name"]);
  });
});
