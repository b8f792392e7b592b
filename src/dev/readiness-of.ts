import type { ContainerInfo } from "../engine/engine.js";
import { backingOff, condition, containerHealthy, failuresOf, firstOf, portAnswers, portListening, type Readiness } from "../wait/index.js";
import type { DevContext } from "./dev-context.js";
import type { ResolvedService } from "../stack/resolve-services.js";

/**
 * Active probes: a healthcheck passes long before Docker's next interval says so. Each kind of
 * look backs off on its own (see backingOff): the first ones come quickly, a service slow to
 * start is asked less and less often, so twenty services starting on a busy machine do not keep
 * the engine busy answering us.
 */
const HEALTHCHECK_FIRST_MS = 100;
const HEALTHCHECK_MAX_MS = 1000;
/** Docker's verdict, polled beside a better signal: it flips only at a healthcheck interval, an exit is seen within this. */
const DOCKER_VERDICT_MAX_MS = 500;
/** The app's port: a cheap local connection. */
const PORT_MAX_MS = 250;
/**
 * Beside the port, Docker's word only tells of an exit or an unhealthy verdict (rare): first
 * asked after this, then less and less often, at most DOCKER_EXIT_MAX_MS apart. Twenty services
 * starting would otherwise ask the engine to inspect a container some 60 times a second while
 * it is busiest starting them.
 */
const DOCKER_EXIT_FIRST_MS = 200;
const DOCKER_EXIT_MAX_MS = 1000;

/**
 * What "ready" means for a container of the stack, the one answer every command that waits for
 * a start uses (dev up, dev start, dev build, a restart of a preset's service), fastest first:
 * - a service that speaks HTTP on a published port (a template, or its own Dockerfile):
 *   its port answering at the container's own address (see portListening), else at the
 *   published port; one of its own Dockerfile without a healthcheck is not ready for merely
 *   running, only for answering;
 * - else its healthcheck command, run through the Engine API: after 100 ms, then less and less
 *   often, at most 1 s apart;
 * - else Docker's word (running).
 * The container exiting or turning unhealthy ends the wait at once, with its logs.
 * `label`: how to report it (healthy: a check passed; answers: its port; running: nothing checked).
 */
export async function readinessOf(
  ctx: DevContext,
  c: ContainerInfo,
  env: ReadonlyMap<string, string>,
  opts: ReadinessOptions = {},
): Promise<{ readiness: Readiness; checked: boolean; label: "healthy" | "answers" | "running"; port: boolean }> {
  const svc = opts.service ?? ctx.project.services.find((s) => s.name === c.service);
  const hostPort = svc ? Number(env.get(`${svc.envName}_PORT`)) : 0;
  const info = await ctx.engine.inspect(c.id);
  const test = info.healthcheck;
  const command = test?.[0] === "CMD" ? test.slice(1) : test?.[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test[1] ?? "true"] : undefined;
  if (svc && (svc.preset || svc.build) && svc.port !== undefined && hostPort) {
    const own = svc.build !== undefined && !svc.healthcheck;
    const address = info.addresses?.[0];
    const answers = address ? portListening(address, svc.port, portAnswers(hostPort)) : portAnswers(hostPort);
    // After an in-place reload Docker's health is still the old process's: only the container
    // stopping (the new process crashed, and the supervisor with it) is a failure there.
    const exits = opts.inPlace ? failsWhenStopped(ctx, c.id) : backingOff({ ...containerHealthy(ctx.engine, c.id), intervalMs: DOCKER_EXIT_FIRST_MS }, { maxMs: DOCKER_EXIT_MAX_MS });
    return {
      readiness: firstOf(opts.one ? answers : backingOff(answers, { maxMs: PORT_MAX_MS, factor: 1.25 }), own || opts.inPlace ? failuresOf(exits) : exits),
      checked: command !== undefined,
      label: own ? "answers" : command ? "healthy" : "running",
      port: true,
    };
  }
  if (!command) return { readiness: opts.inPlace ? containerHealthy(ctx.engine, c.id) : backingOff(containerHealthy(ctx.engine, c.id), { maxMs: DOCKER_VERDICT_MAX_MS }), checked: false, label: "running", port: false };
  const healthy = opts.inPlace ? failsWhenStopped(ctx, c.id) : backingOff(containerHealthy(ctx.engine, c.id), { maxMs: DOCKER_VERDICT_MAX_MS });
  const check = condition(`${c.service}'s healthcheck passing`, async () => (await ctx.engine.exec(c.id, command).catch(() => ({ exitCode: -1 }))).exitCode === 0, HEALTHCHECK_FIRST_MS);
  const passes = backingOff(check, { maxMs: HEALTHCHECK_MAX_MS });
  return { readiness: firstOf(passes, healthy), checked: true, label: "healthy", port: false };
}

export interface ReadinessOptions {
  /** The service, when the context's project does not list it yet (dev add service). */
  service?: ResolvedService;
  /** After an in-place process reload: Docker's health is the old process's, not a verdict. */
  inPlace?: boolean;
  /**
   * One container waited for alone (a restart): its port is asked every 10 ms throughout, so the
   * time reported is the time it took. A stack's start backs off instead (twenty services on two
   * cores).
   */
  one?: boolean;
}

/** Never ready by itself; the container stopping fails it with containerHealthy's error (its logs). */
function failsWhenStopped(ctx: DevContext, id: string): Readiness {
  const verdict = containerHealthy(ctx.engine, id);
  return {
    what: `container ${id.slice(0, 12)} running`,
    intervalMs: 50,
    async probe() {
      const info = await ctx.engine.inspect(id);
      if (info.state === "running") return { ready: false };
      const r = await verdict.probe();
      return r.ready ? { ready: false } : r;
    },
  };
}
