import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimant, freePort, get, project, saveAndReload, supervised } from "../../test/support/python-launcher.js";

// The shared fork server (templates/python/fork-server.py.hbs) learns what its workers import: run
// through the python-http starter's serve.py with the machine's python3, under the dev layer's
// supervisor script. Installed packages live in a folder on PYTHONPATH, outside the project.

/** A site folder with a package per entry (its __init__.py's code). */
function site(packages: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "fork-server-site-"));
  for (const [name, code] of Object.entries(packages)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "__init__.py"), code);
  }
  return dir;
}

const says = (what: string) => `import os\nprint("${what} imported by", os.getpid(), flush=True)\n`;

/** An app that imports IMPORTS on each request (not at its start) and answers MESSAGE. */
const app = (imports: string[], message: string) => `import importlib, os, threading
from http.server import BaseHTTPRequestHandler, HTTPServer

MESSAGE = "${message}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        for name in ${JSON.stringify(imports)}:
            importlib.import_module(name)
        print("app sees threads:", threading.active_count(), flush=True)
        body = MESSAGE.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler)
print("app listening", os.getpid(), flush=True)
server.serve_forever()
`;

const threadsOf = (pid: number) => readdirSync(`/proc/${pid}/task`).length;

describe("the fork server learns the modules its workers import", { timeout: 60_000 }, () => {
  it("imports in the parent, while it waits, what a worker imported from outside the service's folder; never the project's files; a module failing there is left to the worker; a changed one starts a fresh interpreter", async () => {
    const packages = site({
      lazydep: says("installed lazydep"),
      // Imports in an app (its __main__ has MESSAGE); in the parent it would end the process.
      fragile: `import __main__\nif not hasattr(__main__, "MESSAGE"):\n    raise SystemExit("only in the app")\n${says("installed fragile")}`,
    });
    const imports = ["lazydep", "helper", "fragile"];
    const dir = project({ "app.py": app(imports, "first"), "helper.py": says("project helper") });
    const port = await freePort();
    const s = supervised(dir, port, { PYTHONPATH: packages });
    const by = (re: RegExp) => s.lines.filter((l) => re.test(l)).map((l) => Number(l.split(" ").pop()));
    try {
      await s.until(/^app listening/);
      const parent = claimant(dir, s.child.pid!);
      expect((await get(port)).body).toBe("first");
      await s.until(new RegExp(`^installed lazydep imported by ${parent}$`));
      const save = (message: string) => () => writeFileSync(join(dir, "app.py"), app(imports, message));
      await saveAndReload(s, port, save("second"), "second");
      const workers = by(/^app listening/);
      expect(workers).toHaveLength(2);
      // The second worker had lazydep already: the parent imported it, once.
      expect(by(/^installed lazydep imported/)).toEqual([workers[0], parent]);
      // The project's helper.py is read by each worker, never by the parent.
      expect(by(/^project helper imported/)).toEqual(workers);
      // fragile fails in the parent (printing nothing, ending nothing): each worker imports it itself.
      expect(by(/^installed fragile imported/)).toEqual(workers);
      // The worker's reporting thread is not one of threading's (Celery counts those to choose its
      // shutdown).
      expect(new Set(by(/^app sees threads:/))).toEqual(new Set([1]));

      // lazydep, now among the parent's files, changes: the next worker comes from a fresh
      // interpreter, and imports the changed package.
      writeFileSync(join(packages, "lazydep", "__init__.py"), says("changed lazydep"));
      await saveAndReload(s, port, save("third"), "third");
      expect(claimant(dir, s.child.pid!)).toBe(parent);
      expect(by(/^changed lazydep imported/)[0]).toBe(by(/^app listening/)[2]);
    } finally {
      s.child.kill("SIGKILL");
    }
  });

  it("an import that starts a thread ends the learning: the next worker comes from a fresh interpreter, which never imports that module", async () => {
    const packages = site({ threaded: `${says("installed threaded")}import threading, time\nthreading.Thread(target=time.sleep, args=(3600,), daemon=True).start()\n` });
    const dir = project({ "app.py": app(["threaded"], "first") });
    const port = await freePort();
    const s = supervised(dir, port, { PYTHONPATH: packages });
    const by = (re: RegExp) => s.lines.filter((l) => re.test(l)).map((l) => Number(l.split(" ").pop()));
    try {
      await s.until(/^app listening/);
      const parent = claimant(dir, s.child.pid!);
      expect(threadsOf(parent)).toBe(1);
      expect((await get(port)).body).toBe("first");
      await s.until(new RegExp(`^installed threaded imported by ${parent}$`));
      expect(threadsOf(parent)).toBe(2);
      for (const message of ["second", "third"]) {
        await saveAndReload(s, port, () => writeFileSync(join(dir, "app.py"), app(["threaded"], message)), message);
        // The same process (execv keeps the pid), without the thread: it never forked with one.
        expect(claimant(dir, s.child.pid!)).toBe(parent);
        expect(threadsOf(parent)).toBe(1);
      }
      // Give the fresh parent time to learn from the third worker: it still leaves threaded alone.
      await new Promise((r) => setTimeout(r, 1000));
      expect(threadsOf(parent)).toBe(1);
      const workers = by(/^app listening/);
      expect(by(/^installed threaded imported/)).toEqual([workers[0], parent, workers[1], workers[2]]);
    } finally {
      s.child.kill("SIGKILL");
    }
  });
});
