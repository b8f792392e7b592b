import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ResolvedService } from "../stack/resolve-services.js";
import { loadPresets } from "../presets/load-presets.js";
import { resolveServices } from "../stack/resolve-services.js";
import { DEFAULT_HEALTH, type StackConfig } from "../stack/stack-config.js";
import type { Preset } from "../presets/preset.js";
import { RELOADED_LINE, RELOAD_CLAIM_ENV, SUPERVISOR_SCRIPT, knownCommand, reloadModeOf, stopTimeoutOf, supervisedCommand } from "./supervisor.js";

/** The supervisor under a local POSIX sh, with an app that says when it starts and stops. */
function supervise(app: string, grace = 2) {
  const child = spawn("sh", ["-c", SUPERVISOR_SCRIPT, "api", String(grace), "sh", "-c", app], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    lines.push(...d.toString().split("\n").filter(Boolean));
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const until = async (re: RegExp, count = 1) => {
    const deadline = Date.now() + 10_000;
    while (lines.filter((l) => re.test(l)).length < count) {
      if (Date.now() > deadline) throw new Error(`no ${re} in:\n${lines.join("\n")}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { child, lines, exited, until, kill: (s: NodeJS.Signals) => child.kill(s) };
}

const APP = `trap 'echo "stopping $$"; exit 3' TERM; echo "started $$"; while :; do sleep 0.05; done`;

describe("RELOADED_LINE", () => {
  it("is found in a line the new worker's own output was written into, before or after it", () => {
    expect(RELOADED_LINE.exec("create-stack: api reloaded (previous process exited with 143)api listening on :8000")?.[1]).toBe("143");
    expect(RELOADED_LINE.exec("api listening on :8000create-stack: api reloaded (previous process exited with 0)")?.[1]).toBe("0");
    expect(RELOADED_LINE.test("api reloaded (previous process exited with 0)")).toBe(false);
  });
});

describe("supervisor script", { timeout: 20_000 }, () => {
  it("SIGHUP restarts the app in place and reports the old exit code", async () => {
    const s = supervise(APP);
    await s.until(/^started /);
    const pid = s.child.pid;
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE);
    await s.until(/^started /, 2);
    expect(s.lines.find((l) => RELOADED_LINE.test(l))).toBe("create-stack: api reloaded (previous process exited with 3)");
    expect(s.child.pid).toBe(pid);
    expect(s.child.exitCode).toBeNull();
    s.kill("SIGTERM");
    expect(await s.exited).toBe(3);
  });

  it("an app ignoring TERM is killed after the grace period", async () => {
    const s = supervise(`trap '' TERM; echo "started $$"; while :; do sleep 0.05; done`, 1);
    await s.until(/^started /);
    const t0 = Date.now();
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(s.lines.find((l) => RELOADED_LINE.test(l))).toMatch(/exited with 137/);
    // A stop gets the same treatment: TERM, the grace period, KILL; nothing is left running.
    await s.until(/^started /, 2);
    s.kill("SIGTERM");
    expect(await s.exited).toBe(137);
  });

  it("the main process gets the TERM (a warm shutdown); what it leaves in its group is killed", async () => {
    // The child ignores TERM, as a pool process might; only the group KILL ends it.
    const s = supervise(`sh -c "trap '' TERM; sleep 30" & echo "child $!"; echo "started $$"; wait`);
    await s.until(/^child /);
    const child = Number(s.lines.find((l) => l.startsWith("child "))!.split(" ")[1]);
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE);
    // Gone, or a zombie waiting for whoever adopted it (the KILL may take a moment to land).
    const state = () => (existsSync(`/proc/${child}/stat`) ? readFileSync(`/proc/${child}/stat`, "utf8").split(") ")[1]![0] : "gone");
    for (let i = 0; i < 50 && !["gone", "Z"].includes(state()!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(["gone", "Z"]).toContain(state());
    s.kill("SIGTERM");
    await s.exited;
  });

  it("an app that claims its reloads gets the SIGHUP and reports the reload itself; it is not restarted", async () => {
    // The traps come before "started": a SIGHUP sent on that line must find the handler in place
    // (a shell without one dies of it, which a loaded machine's scheduling made happen).
    const claiming = `trap 'echo "create-stack: $CREATE_STACK_SERVICE reloaded (previous process exited with 7)"' HUP
trap 'echo "stopping $$"; exit 3' TERM
echo $$ >"$${RELOAD_CLAIM_ENV}"; echo "started $$"
while :; do sleep 0.05; done`;
    const s = supervise(claiming);
    await s.until(/^started /);
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE);
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE, 2);
    expect(s.lines.filter((l) => RELOADED_LINE.test(l))).toEqual(Array(2).fill("create-stack: api reloaded (previous process exited with 7)"));
    expect(s.lines.filter((l) => /^(started|stopping) /.test(l))).toHaveLength(1);
    s.kill("SIGTERM");
    expect(await s.exited).toBe(3);
  });

  it("a claim holding another pid (a wrapper's child, a stale file) is ignored: the app restarts", async () => {
    const s = supervise(`echo 1 >"$${RELOAD_CLAIM_ENV}"; ${APP}`);
    await s.until(/^started /);
    s.kill("SIGHUP");
    await s.until(/^started /, 2);
    expect(s.lines.find((l) => RELOADED_LINE.test(l))).toBe("create-stack: api reloaded (previous process exited with 3)");
    s.kill("SIGTERM");
    expect(await s.exited).toBe(3);
  });

  it("an app that exits by itself ends the supervisor with its code (the container dies, as without it)", async () => {
    const s = supervise(`echo "started $$"; sleep 0.2; exit 5`);
    expect(await s.exited).toBe(5);
  });

  it("the TERM reaches the main process only: its children finish their work first", async () => {
    const s = supervise(`trap 'echo "draining"; wait; echo "drained"; exit 0' TERM; (trap '' TERM; sleep 0.5; echo "task done") & echo "started $$"; wait`);
    await s.until(/^started /);
    s.kill("SIGHUP");
    await s.until(RELOADED_LINE);
    const order = s.lines.filter((l) => /task done|drained|reloaded/.test(l));
    expect(order).toEqual(["task done", "drained", "create-stack: api reloaded (previous process exited with 0)"]);
    s.kill("SIGTERM");
    await s.exited;
  });
});

describe("reload modes", () => {
  const stack = (services: StackConfig["services"]): ResolvedService[] =>
    resolveServices({ version: 1, name: "p", presets: ["redis"], services, images: {}, health: DEFAULT_HEALTH, ignore: [] }, loadPresets());

  it("template services reload their process; reload: container, true and image services do not", () => {
    const modes = Object.fromEntries(
      stack({
        api: { template: "python-http" },
        fast: { template: "fastapi", reload: "process" },
        worker: { template: "worker", path: "services/api" },
        boxed: { template: "python-http", reload: "container" },
        hot: { template: "fastapi", reload: true },
        cache: { image: "memcached:1.6", command: ["memcached"] },
        web: { template: "node", path: "services/web" },
        edge: { template: "node-http", path: "services/edge" },
        site: { template: "django", path: "services/site" },
      }).map((s) => [s.name, reloadModeOf(s)]),
    );
    expect(modes).toEqual({ api: "process", fast: "process", worker: "process", boxed: "container", hot: "self", cache: "container", web: "process", edge: "process", site: "process" });
  });

  it("the command is wrapped, escaped for compose interpolation", () => {
    const cmd = supervisedCommand("api", 30, ["python", "app.py"]);
    expect(cmd.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(cmd.slice(3)).toEqual(["api", "30", "python", "app.py"]);
    expect(cmd[2]).not.toMatch(/(^|[^$])\$[^$]/);
  });

  it("knows each template's command, placeholders filled; stack.yaml's is taken literally", () => {
    const [api, fast, worker, own, web, edge] = stack({
      api: { template: "python-http" },
      fast: { template: "fastapi", port: 9000 },
      worker: { template: "worker", path: "services/api" },
      own: { template: "python-http", command: ["sh", "-c", "echo $HOME && python app.py"] },
      web: { template: "node", path: "services/web" },
      edge: { template: "node-http", path: "services/edge" },
    });
    expect(knownCommand(web!)).toEqual(["node", "dev-serve.cjs"]);
    expect(knownCommand(edge!)).toEqual(["node", "dev-serve.cjs"]);
    expect(knownCommand(api!)).toEqual(["python", "serve.py"]);
    expect(knownCommand(fast!)).toEqual(["python", "serve.py", "main:app", "--host", "0.0.0.0", "--port", "9000"]);
    expect(knownCommand(worker!)?.slice(0, 4)).toEqual(["python", "worker.py", "-A", "tasks"]);
    expect(knownCommand(own!)).toEqual(["sh", "-c", "echo $$HOME && python app.py"]);
  });

  it("a template whose command nobody knows (no command in its preset) is restarted as a container", () => {
    const [api] = stack({ api: { template: "python-http" } });
    const bare: Preset = { ...api!.preset!, name: "bare", defaults: undefined, layers: { base: { services: { "{{name}}": { image: "bare:1" } } } } };
    expect(knownCommand({ ...api!, preset: bare })).toBeUndefined();
    expect(reloadModeOf({ ...api!, preset: bare })).toBe("container");
  });

  it("an unknown placeholder in a template's command names the preset", () => {
    const [api] = stack({ api: { template: "python-http" } });
    const broken: Preset = { ...api!.preset!, name: "broken", defaults: { name: "api", command: ["run", "{{nope}}"] }, layers: {} };
    expect(() => knownCommand({ ...api!, preset: broken })).toThrow("preset broken: unknown placeholder {{nope}}");
  });

  it("stop timeouts: stack.yaml's, else the template's, else Docker's 10 s, image services included", () => {
    const services = stack({
      cache: { image: "memcached:1.6" },
      slow: { image: "memcached:1.6", stop_grace_period: "45s" },
      worker: { template: "worker", path: "services/api" },
      api: { template: "python-http" },
    });
    expect(services.map(stopTimeoutOf)).toEqual([10, 45, 30, 10]);
  });
});
