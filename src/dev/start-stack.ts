import { setMaxListeners } from "node:events";
import type { ContainerInfo } from "../engine/engine.js";
import { runtimeError } from "../errors/stack-error.js";
import { isPortTaken, isPortTakenError, portTakenHint, takenPort } from "../engine/port-taken.js";
import { buildLayers } from "../render/compose-layers.js";
import { waitFor } from "../wait/index.js";
import { runCompose, type DevContext } from "./dev-context.js";
import { readinessOf } from "./readiness-of.js";
import { buildImages } from "./build-images.js";

const READY_TIMEOUT_MS = 180_000;

export type Dependencies = Map<string, { service: string; healthy: boolean }[]>;

/**
 * Cold start without compose's waits. Once createStack has made what is missing, each container
 * starts through the Engine API as soon as what it depends on is really ready, independent services in parallel. "Ready" is
 * probed every 100 ms: the service's published port answering, or its own healthcheck command
 * run through the Engine API; Docker's health status would flip only at the next healthcheck
 * interval. Prints each service as it gets there.
 */
export async function startStack(ctx: DevContext, only: string[], env: ReadonlyMap<string, string>, log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const deps = dependenciesOf(ctx);
  const all = await ctx.engine.listContainers(ctx.name, { all: true });
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of all) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const wanted = only.length ? withDependencies(only, deps) : new Set(byService.keys());
  // After the first failure nothing more starts and the other waits end: the caller may make the
  // containers again and start once more (dev up moving a port taken meanwhile).
  const failed = new AbortController();
  // Every container's wait listens to it at once (20 services: more than Node's default of 10).
  setMaxListeners(Math.max(10, all.length * 2), failed.signal);
  try {
    await startInOrder({
      containers: byService,
      deps,
      wanted,
      start: async (c) => {
        if (failed.signal.aborted) return;
        try {
          await ctx.engine.start(c.id);
        } catch (err) {
          // A host port another program took meanwhile: the engine client says so already (with
          // the engine's words as its detail), or the engine's own words do.
          if (isPortTakenError(err)) throw runtimeError("E_PORT_TAKEN", `${c.service} could not start: ${err.message}`, portTakenHint(takenPort(err.details.join("\n")), env), err.details);
          // The engine's own words, as one line.
          const why = String((err as { json?: { message?: string } }).json?.message ?? (err as Error).message).trim();
          if (isPortTaken(why)) throw runtimeError("E_PORT_TAKEN", `${c.service} could not start: ${why}`, portTakenHint(takenPort(why), env), [why]);
          throw runtimeError("E_START_FAILED", `${c.service} could not start: ${why}`, "fix the cause, then run dev up again (host ports taken before it starts are moved to free ones)");
        }
      },
      waitReady: async (c) => {
        const probe = await readinessOf(ctx, c, env);
        await waitFor(probe.readiness, { timeoutMs: READY_TIMEOUT_MS, signal: failed.signal });
        return probe.checked;
      },
      onReady: (service, checked) => {
        if (!failed.signal.aborted) log(`  ${service.padEnd(14)} ${checked ? "healthy" : "running"} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      },
    });
  } catch (err) {
    failed.abort();
    throw err;
  }
}

export interface StartPlan {
  containers: ReadonlyMap<string, ContainerInfo[]>;
  deps: Dependencies;
  wanted: Iterable<string>;
  start(c: ContainerInfo): Promise<void>;
  /** Resolves once ready (true: by a health check, false: just running); rejects on failure. */
  waitReady(c: ContainerInfo): Promise<boolean>;
  onReady(service: string, checked: boolean): void;
}

/**
 * Starts each wanted service once its dependencies are started (service_started) or ready
 * (service_healthy), everything else in parallel; resolves when all are ready. The first failure
 * rejects. Only dependencies with containers are waited on: a service of the user's own
 * compose file (or one not created) has nothing to wait for.
 */
export async function startInOrder(plan: StartPlan): Promise<void> {
  const started = new Map<string, Promise<void>>();
  const ready = new Map<string, Promise<void>>();
  const containersOf = (service: string) => plan.containers.get(service) ?? [];
  const start = (service: string): Promise<void> => {
    let p = started.get(service);
    if (!p) {
      p = (async () => {
        const deps = (plan.deps.get(service) ?? []).filter((d) => plan.containers.has(d.service));
        await Promise.all(deps.map((d) => (d.healthy ? readyOf(d.service) : start(d.service))));
        await Promise.all(containersOf(service).map((c) => plan.start(c)));
      })();
      started.set(service, p);
    }
    return p;
  };
  const readyOf = (service: string): Promise<void> => {
    let p = ready.get(service);
    if (!p) {
      p = (async () => {
        await start(service);
        const checked = await Promise.all(containersOf(service).map((c) => plan.waitReady(c)));
        plan.onReady(service, checked.some(Boolean));
      })();
      ready.set(service, p);
    }
    return p;
  };
  await Promise.all([...plan.wanted].filter((s) => plan.containers.has(s)).map(readyOf));
}

/**
 * Compose builds what needs it (the services asked for and what they depend on): an image that
 * is missing or older than its inputs (see image-builds.ts); then it creates what is missing
 * (network, volumes, containers) and starts nothing. The build is its own step: `up --build` has
 * no --force-rm, and a failed build would leave its container behind. Resolves with the
 * services built.
 */
export async function createStack(ctx: DevContext, only: string[], onLine?: (line: string) => void, onBuilt?: () => void): Promise<string[]> {
  const wanted = only.length ? withDependencies(only, dependenciesOf(ctx)) : undefined;
  const built = await buildImages(ctx, wanted ? [...wanted] : [], { what: "building the stack", onlyStale: true, onLine });
  onBuilt?.();
  await runCompose(ctx, ["up", "--no-start", "--remove-orphans", ...only], "creating the stack", { onLine });
  return built;
}

/** depends_on of every service in our generated layers: healthy (service_healthy) or just started. */
function dependenciesOf(ctx: DevContext): Dependencies {
  const { config } = ctx.project.parsed;
  const base = buildLayers(config, ctx.project.presets, ctx.project.services).get("base")!;
  const out: Dependencies = new Map();
  for (const [name, def] of Object.entries(base.services)) {
    const dependsOn = (def.depends_on ?? {}) as Record<string, { condition?: string }>;
    out.set(name, Object.entries(dependsOn).map(([service, d]) => ({ service, healthy: d.condition === "service_healthy" })));
  }
  return out;
}

function withDependencies(services: string[], deps: Dependencies): Set<string> {
  const out = new Set<string>();
  const visit = (s: string) => {
    if (out.has(s)) return;
    out.add(s);
    for (const d of deps.get(s) ?? []) visit(d.service);
  };
  services.forEach(visit);
  return out;
}
