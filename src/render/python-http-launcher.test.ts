import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimant, freePort, get, project, run, saveAndReload, supervised } from "../../test/support/python-launcher.js";
import { PRESETS_DIR } from "../fs/package-paths.js";
import { RELOADED_LINE } from "./supervisor.js";

// The python-http starter's serve.py, rendered as a new project gets it, with its app.py, run by
// the machine's python3 under the dev layer's supervisor script (as `dev up` runs it) and alone
// (as the image would).

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
