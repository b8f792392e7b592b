import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { isStackError } from "../errors/stack-error.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { ROUTES_VERSION_PATH, routesVersion } from "./routes-version.js";
import { reloadNginx, type ProxyIo } from "./proxy-renderers.js";

const api: ResolvedService = {
  name: "api", route: "/api", port: 8000, strip: true, dependsOn: [], env: {}, watch: [], rebuildOn: [], reload: false, envName: "API",
  vars: { project: "shop", name: "api", path: "", port: "8000", route: "/api", envName: "API" },
};

/**
 * nginx as the reload sees it: a process table and the routes version it serves. Each look at the
 * process table after `nginx -s reload` moves the switch one step along `steps`.
 */
function fakeNginx(steps: { workers: string[]; version: string }[], reloadExit = 0) {
  const before = { workers: ["10 nginx: worker process", "11 nginx: worker process"], version: "old" };
  let reloaded = false;
  let step = -1;
  const current = () => (reloaded ? steps[Math.min(step, steps.length - 1)]! : before);
  const io: ProxyIo & { looks: number; gets: number } = {
    looks: 0,
    gets: 0,
    async exec(cmd) {
      if (cmd[0] === "nginx") {
        if (cmd.join(" ") !== "nginx -s reload") return { exitCode: 1, output: `nginx: invalid option: "${cmd.slice(1).join(" ")}"` };
        reloaded = reloadExit === 0;
        return { exitCode: reloadExit, output: reloadExit ? "nginx: [emerg] unknown directive \"bogus\"" : "" };
      }
      io.looks++;
      if (reloaded) step++;
      return { exitCode: 0, output: ["1 nginx: master process nginx -g daemon off;", ...current().workers, "77 sh -c for f in"].join("\n") };
    },
    async get(path) {
      io.gets++;
      return path === ROUTES_VERSION_PATH ? current().version : undefined;
    },
  };
  return io;
}

describe("nginx reload waits for the new worker generation", () => {
  const want = routesVersion([api]);

  it("resolves once no old worker accepts, a new one does, and the new routes are served; not before", async () => {
    const io = fakeNginx([
      // Both generations accept for a moment, then the old ones shut down, then the new version answers.
      { workers: ["10 nginx: worker process", "11 nginx: worker process", "20 nginx: worker process", "21 nginx: worker process"], version: "old" },
      { workers: ["10 nginx: worker process is shutting down", "20 nginx: worker process", "21 nginx: worker process"], version: "old" },
      { workers: ["20 nginx: worker process", "21 nginx: worker process"], version: "old" },
      { workers: ["20 nginx: worker process", "21 nginx: worker process"], version: want },
    ]);
    await reloadNginx(io, [api], 5000);
    // One look before the reload, four after it: it stopped at the first step that had switched.
    expect(io.looks).toBe(5);
    // The version is not asked while both generations accept (either may answer), only after.
    expect(io.gets).toBe(3);
  });

  it("the same worker count is not a switch: old PIDs still accepting keep it waiting until the bound, which names them", async () => {
    const io = fakeNginx([{ workers: ["10 nginx: worker process", "11 nginx: worker process"], version: want }]);
    const started = Date.now();
    const err = await reloadNginx(io, [api], 150).catch((e: unknown) => e);
    expect(isStackError(err) && err.code).toBe("E_NGINX_RELOAD");
    expect((err as Error).message).toMatch(/within 0.15 s: no worker started on the new configuration/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a new generation serving another routes version is reported as such", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: "stale" }]);
    const err = await reloadNginx(io, [api], 100).catch((e: unknown) => e);
    expect((err as Error).message).toContain(`it serves routes version stale, not ${want}`);
  });

  it("old workers still accepting beside new ones are reported as such", async () => {
    const io = fakeNginx([{ workers: ["10 nginx: worker process", "20 nginx: worker process"], version: want }]);
    const err = await reloadNginx(io, [api], 100).catch((e: unknown) => e);
    expect((err as Error).message).toContain("1 worker(s) of the previous configuration still accept connections");
  });

  it("a configuration nginx refuses fails at once with nginx's message", async () => {
    const io = fakeNginx([], 1);
    const err = await reloadNginx(io, [api], 5000).catch((e: unknown) => e);
    expect(isStackError(err) && err.code).toBe("E_NGINX_RELOAD");
    expect(isStackError(err) && err.details?.join("\n")).toContain("unknown directive");
    expect((err as Error).message).toBe("nginx rejected the new configuration");
    expect(isStackError(err) && err.hint).toMatch(/previous configuration stays in use/);
    expect(io.looks).toBe(1);
  });

  it("a timeout says where to look", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: "stale" }]);
    const err = await reloadNginx(io, [api], 50).catch((e: unknown) => e);
    expect(isStackError(err) && err.hint).toBe("see dev logs nginx");
  });

  it("new workers whose routes version nothing answers are reported as no answer", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: undefined as unknown as string }]);
    const err = await reloadNginx(io, [api], 50).catch((e: unknown) => e);
    expect((err as Error).message).toContain(`it serves routes version (no answer), not ${want}`);
  });

  it("on a busy machine the routes answer may take longer than a short GET waits: each GET may take the rest of the bound", async () => {
    // The host port answers 2.5 s after the request: a GET given less time gets nothing, and one
    // cut short at a fixed 2 s never sees the new version however often it asks.
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: want }]);
    const get = io.get.bind(io);
    const given: (number | undefined)[] = [];
    io.get = async (path, timeoutMs) => {
      given.push(timeoutMs);
      return timeoutMs !== undefined && timeoutMs >= 2500 ? get(path) : undefined;
    };
    await reloadNginx(io, [api], 5000);
    expect(given.length).toBe(1);
    expect(given[0]).toBeGreaterThan(4000);
  });

  it("a GET is cut at 10 s however long the bound: a stalled connection is asked again on a new one", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: want }]);
    const get = io.get.bind(io);
    const given: (number | undefined)[] = [];
    io.get = async (path, timeoutMs) => {
      given.push(timeoutMs);
      return given.length === 1 ? undefined : get(path);
    };
    await reloadNginx(io, [api], 60_000);
    expect(given).toEqual([10_000, expect.any(Number)]);
    expect(given[1]).toBe(10_000);
  });

  it("a GET near the bound's end still gets a little time", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: "stale" }]);
    const get = io.get.bind(io);
    const given: number[] = [];
    io.get = async (path, timeoutMs) => {
      given.push(timeoutMs ?? 0);
      return get(path);
    };
    await reloadNginx(io, [api], 50).catch(() => undefined);
    expect(Math.min(...given)).toBe(2000);
  });

  it("a reload that changes no route still waits for a new worker: the old version answering is not the switch", async () => {
    // The routes are the same before and after, so the version alone cannot tell the generations apart.
    const io = fakeNginx([
      { workers: ["10 nginx: worker process is shutting down", "11 nginx: worker process is shutting down"], version: want },
      { workers: ["20 nginx: worker process"], version: want },
    ]);
    await reloadNginx(io, [api], 5000);
    expect(io.looks).toBe(3);
  });

  it("nginx gone right after the reload (every look fails) is reported as such, with the engine's answer and nginx's log", async () => {
    const io = fakeNginx([]);
    const exec = io.exec.bind(io);
    let reloaded = false;
    io.exec = async (cmd) => {
      if (reloaded) throw new Error("container is not running");
      if (cmd[0] === "nginx") reloaded = true;
      return exec(cmd);
    };
    io.logs = async () => ["[emerg] 1#1: something nginx said"];
    const err = await reloadNginx(io, [api], 200).catch((e: unknown) => e);
    expect(isStackError(err) && err.code).toBe("E_NGINX_RELOAD");
    expect((err as Error).message).toMatch(/within 0.2 s: its processes could not be listed \(container is not running\)$/);
    expect(isStackError(err) && err.details).toEqual(["workers before the reload: 10, 11", "last log lines:", "  [emerg] 1#1: something nginx said"]);
  });

  it("a look that fails once is retried: the reload still completes", async () => {
    const io = fakeNginx([{ workers: ["20 nginx: worker process"], version: want }]);
    const exec = io.exec.bind(io);
    let reloaded = false;
    let failed = 0;
    io.exec = async (cmd) => {
      if (reloaded && failed++ === 0) throw new Error("socket hang up");
      if (cmd[0] === "nginx") reloaded = true;
      return exec(cmd);
    };
    await reloadNginx(io, [api], 5000);
    expect(failed).toBeGreaterThan(1);
  });

  it("a timeout lists the process table of the last look and nginx's last log lines", async () => {
    const io = fakeNginx([{ workers: ["10 nginx: worker process", "11 nginx: worker process"], version: want }]);
    io.logs = async () => ['[emerg] 1#1: host not found in upstream "x"'];
    const exec = io.exec.bind(io);
    io.exec = async (cmd) => (cmd.join(" ") === "cat /proc/1/stat" ? { exitCode: 0, output: "1 (nginx) S 0 1 1 0 -1 4194560 2153 0 0 0 37 12 0 0 20 0 1 0 100 12345 678\n" } : exec(cmd));
    const err = await reloadNginx(io, [api], 100).catch((e: unknown) => e);
    const details = (isStackError(err) && err.details) || [];
    expect(details).toContain("workers before the reload: 10, 11");
    expect(details).toContain("  10 nginx: worker process");
    expect(details).toContain('  [emerg] 1#1: host not found in upstream "x"');
    expect(details).toContain("master: state S, CPU 37+12 ticks (user+system)");
    expect(details.join("\n")).not.toContain("sh -c");
  });
});

/**
 * The process table as nginx leaves it in /proc: it overwrites its argv with its title and pads the
 * rest with NULs. The listing command runs for real (sh, tr), on a copy of /proc in a folder.
 */
describe("nginx reload reads the proxy's real process table", () => {
  const want = routesVersion([api]);
  const title = (t: string) => t + "\0".repeat(24);

  function procTable(dir: string, procs: Record<string, string>) {
    rmSync(dir, { recursive: true, force: true });
    for (const [pid, cmdline] of Object.entries(procs)) {
      mkdirSync(join(dir, pid), { recursive: true });
      writeFileSync(join(dir, pid, "cmdline"), cmdline);
    }
    mkdirSync(join(dir, "self"), { recursive: true });
  }

  it("finds the workers by their padded titles, ignores shutting-down ones and other processes", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "proc-")), "proc");
    const others = { "1": title("nginx: master process nginx -g daemon off;"), "7": title("nginx: cache manager process"), "30": "sh\0-c\0echo nginx: worker process\0" };
    procTable(dir, { ...others, "10": title("nginx: worker process"), "11": title("nginx: worker process") });
    let listings = 0;
    const io: ProxyIo = {
      async exec(cmd) {
        if (cmd.join(" ") === "nginx -s reload") {
          procTable(dir, { ...others, "10": title("nginx: worker process is shutting down"), "20": title("nginx: worker process") });
          return { exitCode: 0, output: "" };
        }
        listings++;
        const run = spawnSync(cmd[0]!, cmd.slice(1).map((a) => a.replaceAll("/proc/", `${dir}/`)), { encoding: "utf8" });
        return { exitCode: run.status ?? 1, output: run.stdout };
      },
      async get() {
        return want;
      },
    };
    try {
      await reloadNginx(io, [api], 3000);
      expect(listings).toBe(2);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });
});
