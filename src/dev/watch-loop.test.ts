import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeEngine } from "../../test/support/fake-engine.js";
import type { ComposeCli } from "../engine/compose-cli.js";
import { syncProject } from "../plan/sync-project.js";
import { loadProject } from "../stack/load-project.js";
import type { DevContext } from "./dev-context.js";
import { stackServices, startLevels } from "./stack-services.js";
import { recordStopped, readStoppedServices } from "./stopped-services.js";
import { watchLoop } from "./watch-loop.js";

const STACK = `version: 1
name: shop
presets: [postgres, redis, nginx, jumpbox]
health: { interval: 1s, timeout: 1s, retries: 3, start_period: 5s }
services:
  api:
    template: python-http
    route: /api
    depends_on: [postgres, redis]
  worker:
    template: worker
    path: services/api
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A project on disk (stack.yaml and the files dev sync writes), an in-memory engine, a compose stand-in. */
async function harness(opts: { beforeCompose?: (args: string[]) => Promise<void> } = {}) {
  const root = mkdtempSync(join(tmpdir(), "create-stack-watch-"));
  writeFileSync(join(root, "stack.yaml"), STACK);
  mkdirSync(join(root, "services/api"), { recursive: true });
  await syncProject(loadProject(root));
  const project = loadProject(root);
  const engine = new FakeEngine();
  const ids = new Map<string, string>();
  for (const s of ["api", "worker", "postgres", "redis", "nginx"]) {
    ids.set(s, engine.add({ project: "shop", service: s, health: ["api", "postgres", "redis"].includes(s) ? "healthy" : "none" }).id);
  }
  const composeRuns: string[][] = [];
  // `up -d --no-deps SERVICE` creates the container, as compose would.
  const compose: ComposeCli = {
    kind: "v2",
    version: "2.30.0",
    command: ["docker", "compose"],
    run: async (args) => {
      composeRuns.push(args);
      await opts.beforeCompose?.(args);
      const service = args.at(-1)!;
      if (args[0] === "up" && args.includes("--no-deps")) ids.set(service, engine.add({ project: "shop", service, health: "none" }).id);
      return { exitCode: 0, stdout: "", stderr: "", combined: [] };
    },
  };
  const ctx: DevContext = { project, name: "shop", engine, compose: async () => compose };
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  const log = (l: string) => {
    lines.push(...l.split("\n"));
    waiters.splice(0).forEach((w) => w());
  };
  const controller = new AbortController();
  const loop = watchLoop(ctx, { poll: false, signal: controller.signal, log });
  cleanups.push(async () => {
    controller.abort();
    await loop;
    // A state file written as the loop winds down can race the removal (ENOTEMPTY): retry it.
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  });
  /** Resolves with the index of the first line at or after `from` matching `re`; fails after 5 s. */
  const waitFor = async (re: RegExp, from = 0): Promise<number> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const i = lines.findIndex((l, idx) => idx >= from && re.test(l));
      if (i >= 0) return i;
      if (Date.now() > deadline) throw new Error(`no line matching ${re}:\n${lines.join("\n")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        waiters.push(() => (clearTimeout(t), r()));
      });
    }
  };
  await waitFor(/^watching /);
  return { root, project, engine, ids, composeRuns, lines, waitFor, controller, loop };
}

describe("stack services", () => {
  it("come from the compose layers: presets included, dependencies, profiles and health timing", async () => {
    const { project } = await harness();
    const all = stackServices(project);
    const by = Object.fromEntries(all.map((s) => [s.name, s]));
    expect(Object.keys(by).sort()).toEqual(["api", "jumpbox", "nginx", "postgres", "redis", "worker"]);
    expect(by.api!.dependsOn.sort()).toEqual(["postgres", "redis"]);
    expect(by.worker!.dependsOn).toEqual(["redis"]);
    expect(by.jumpbox!.profiles).toEqual(["tools"]);
    expect([by.postgres!.presetKind, by.nginx!.presetKind, by.api!.presetKind]).toEqual(["addon", "proxy", undefined]);
    expect(by.postgres!.health).toEqual({ intervalMs: 1_000, timeoutMs: 1_000, retries: 3, startPeriodMs: 5_000 });
    expect(by.worker!.health).toBeUndefined();
    expect(startLevels(all, ["worker", "api", "nginx", "redis", "postgres"])).toEqual([["nginx", "postgres", "redis"], ["api", "worker"]]);
  });
});

describe("watch loop with a fake engine", () => {
  it("the engine going away and coming back: every service restarted in dependency order, in one line", async () => {
    const { engine, ids, lines, waitFor } = await harness();
    engine.goAway();
    await waitFor(/^engine unreachable/);
    for (const id of ids.values()) engine.set(id, { state: "exited" });
    const from = lines.length;
    engine.comeBack();
    const i = await waitFor(/^engine back: /, from);
    expect(lines[i]).toMatch(/^engine back: 5 services restarted in [\d.]+ s \(nginx, postgres, redis, api, worker\)$/);
    const starts = engine.callsOf("start").map((c) => [...ids].find(([, id]) => id === c.id)![0]);
    expect(starts.slice(0, 3).sort()).toEqual(["nginx", "postgres", "redis"]);
    expect(starts.slice(3).sort()).toEqual(["api", "worker"]);
    // One line, nothing per service.
    expect(lines.slice(from)).toEqual([lines[i]]);
  });

  it("the engine shutting down (its API gone, then each container stopped, then the stream): one line away, one line back", async () => {
    const { engine, ids, lines, waitFor } = await harness();
    const from = lines.length;
    engine.stopAnswering();
    for (const [service, id] of ids) {
      engine.emit(id, "kill", { signal: "15" });
      engine.set(id, { state: "exited" });
      engine.emit(id, "die", { exitCode: 0 });
      engine.emit(id, "stop");
      // The worker's warm shutdown takes a while: the others' stops are long reported by then.
      if (service === "api") await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(/^engine unreachable/, from);
    engine.goAway();
    engine.comeBack();
    const i = await waitFor(/^engine back: /, from);
    expect(lines[i]).toMatch(/^engine back: 5 services restarted in [\d.]+ s \(nginx, postgres, redis, api, worker\)$/);
    expect(lines.slice(from)).toEqual(["engine unreachable: waiting for it to come back", lines[i]]);
    expect([...ids.values()].map((id) => engine.get(id).state)).toEqual(Array(5).fill("running"));
  });

  it("a preset service killed from outside is reported and started again; its dependents are told", async () => {
    const { engine, ids, lines, waitFor } = await harness();
    const pg = ids.get("postgres")!;
    engine.set(pg, { logLines: ["LOG:  database system is ready to accept connections"] });
    engine.emit(pg, "kill", { signal: "9" });
    engine.set(pg, { state: "exited" });
    engine.emit(pg, "die", { exitCode: 137 });
    await waitFor(/^postgres was killed from outside \(docker kill\); restarting in 100 ms\. Last lines:$/);
    await waitFor(/^ {2}postgres \| LOG: {2}database system is ready/);
    await waitFor(/^postgres restarted in [\d.]+ s \(after it was stopped from outside\)$/);
    await waitFor(/^api depends on postgres: told it restarted/);
    expect(engine.callsOf("start", pg)).toHaveLength(1);
    expect(engine.get(pg).state).toBe("running");
    expect(lines.join("\n")).not.toMatch(/^(api|worker|redis|nginx) (restarted|was)/m);
  });

  it("a removed container is recreated with compose up -d --no-deps, and a save then restarts the new one", async () => {
    const { root, engine, ids, composeRuns, lines, waitFor } = await harness();
    const old = ids.get("nginx")!;
    engine.emit(old, "kill", { signal: "9" });
    engine.set(old, { state: "removing" });
    engine.emit(old, "die", { exitCode: 137 });
    await engine.remove(old);
    await waitFor(/^nginx: its container was removed from outside \(docker rm\); recreating in 100 ms$/);
    await waitFor(/^nginx recreated in [\d.]+ s/);
    expect(composeRuns).toContainEqual(["up", "-d", "--no-deps", "nginx"]);

    // The api's container is removed while nothing is waiting for it; a save recreates it, without
    // "has no container: start the stack with dev up".
    await engine.remove(ids.get("api")!);
    const from = lines.length;
    writeFileSync(join(root, "services/api/app.py"), "print('edited')\n");
    await waitFor(/^api recreated in [\d.]+ s \(1 file; its container was gone\)$/, from);
    expect(lines.join("\n")).not.toContain("has no container");
  });

  it("a service stopped on purpose (dev stop, dev down) stays stopped, and a save does not start it", async () => {
    const { root, engine, ids, lines, waitFor } = await harness();
    await recordStopped(root, ["api", "redis"], true);
    expect([...readStoppedServices(root)].sort()).toEqual(["api", "redis"]);
    for (const s of ["redis", "api"]) {
      engine.emit(ids.get(s)!, "kill", { signal: "15" });
      engine.set(ids.get(s)!, { state: "exited" });
      engine.emit(ids.get(s)!, "die", { exitCode: 0 });
      engine.emit(ids.get(s)!, "stop");
    }
    await waitFor(/^redis was stopped on purpose: left stopped$/);
    await waitFor(/^api was stopped on purpose: left stopped$/);
    const from = lines.length;
    writeFileSync(join(root, "services/api/app.py"), "print('edited')\n");
    await waitFor(/^api is stopped \(dev stop api\): not restarting it; dev start api runs it again$/, from);
    // The worker shares the api's code and was not stopped: it is the only one restarted.
    await waitFor(/^worker restarted in [\d.]+ s \(1 file\)$/, from);
    expect(engine.callsOf("start").concat(engine.callsOf("restart")).map((c) => c.id)).toEqual([ids.get("worker")]);
    expect([engine.get(ids.get("api")!).state, engine.get(ids.get("redis")!).state]).toEqual(["exited", "exited"]);
  });

  it("dev down landing while a crashed service is brought back: it is stopped again and the watcher ends", async () => {
    const { root, engine, ids, lines, waitFor, loop } = await harness();
    const stopLike = (id: string) => {
      engine.emit(id, "kill", { signal: "15" });
      engine.set(id, { state: "exited" });
      engine.emit(id, "die", { exitCode: 0 });
      engine.emit(id, "stop");
    };
    // A real engine reports a stop through the API as it reports compose's.
    const stop = engine.stop.bind(engine);
    engine.stop = async (id, opts) => {
      await stop(id, opts);
      stopLike(id);
    };
    // The order that made `dev down` from another terminal leave api running under compose v2:
    // the watcher asks whether api was stopped on purpose (no), then `dev down` records the whole
    // stack as stopped and takes it down, then the watcher's start of api goes through.
    const start = engine.start.bind(engine);
    let downs = 0;
    engine.start = async (id) => {
      if (id === ids.get("api") && downs++ === 0) {
        await recordStopped(root, ["api", "jumpbox", "nginx", "postgres", "redis", "worker"], true);
        for (const [service, other] of ids) if (service !== "api") stopLike(other);
      }
      await start(id);
    };
    const from = lines.length;
    engine.set(ids.get("api")!, { state: "exited" });
    engine.emit(ids.get("api")!, "die", { exitCode: 1 });
    await waitFor(/^api was stopped on purpose while it restarted: stopped again$/, from);
    await waitFor(/was stopped from elsewhere \(dev down or dev stop\)/, from);
    expect((await loop).stoppedElsewhere).toBe(true);
    expect(engine.get(ids.get("api")!).state).toBe("exited");
    expect(lines.slice(from).join("\n")).not.toMatch(/^api restarted in/m);
  });

  it("a stack.yaml save adding a service builds that service alone with --force-rm, then applies the stack", async () => {
    const { root, composeRuns, lines, waitFor } = await harness();
    mkdirSync(join(root, "services/web"), { recursive: true });
    let from = lines.length;
    writeFileSync(join(root, "stack.yaml"), STACK + "  web:\n    template: python-http\n    route: /web\n");
    await waitFor(/^stack\.yaml applied: 3 services$/, from);
    const build = composeRuns.findIndex((a) => a[0] === "build");
    expect(composeRuns[build]).toEqual(["build", "--force-rm", "web"]);
    expect(composeRuns.findIndex((a) => a[0] === "up" && a.includes("--remove-orphans"))).toBeGreaterThan(build);
    // A save that adds nothing builds nothing.
    const runs = composeRuns.length;
    from = lines.length;
    writeFileSync(join(root, "stack.yaml"), STACK + "  web:\n    template: python-http\n    route: /web2\n");
    await waitFor(/^stack\.yaml applied: 3 services$/, from);
    expect(composeRuns.slice(runs).filter((a) => a[0] === "build")).toEqual([]);
  });

  it("a save of a service while stack.yaml is applied waits for the apply: the two never run compose at once", async () => {
    // The apply's `up` is held until released; anything compose is asked meanwhile is recorded.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let applying = false;
    const during: string[][] = [];
    const { root, composeRuns, lines, waitFor } = await harness({
      beforeCompose: async (args) => {
        if (applying) during.push(args);
        if (args[0] === "up" && args.includes("--remove-orphans")) {
          applying = true;
          await held;
          applying = false;
        }
      },
    });
    mkdirSync(join(root, "services/web"), { recursive: true });
    const from = lines.length;
    writeFileSync(join(root, "stack.yaml"), STACK + "  web:\n    template: python-http\n    route: /web\n");
    await waitFor(/^watching .*\bweb\b/, from);
    await vi.waitFor(() => expect(applying).toBe(true), { timeout: 5000 });
    // web's requirements saved while the apply runs: a rebuild, which runs compose.
    writeFileSync(join(root, "services/web/requirements.txt"), "requests\n");
    await new Promise((r) => setTimeout(r, 1500));
    expect(during).toEqual([]);
    release();
    await waitFor(/^stack\.yaml applied: 3 services$/, from);
    // Then the rebuild runs, after the apply.
    const apply = composeRuns.findIndex((a) => a[0] === "up" && a.includes("--remove-orphans"));
    await vi.waitFor(() => expect(composeRuns.slice(apply + 1).some((a) => a[0] === "build" && a.at(-1) === "web")).toBe(true), { timeout: 5000 });
  });
});
