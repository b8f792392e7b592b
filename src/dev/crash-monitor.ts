import type { EngineEvent } from "../engine/engine.js";
import type { DevContext } from "./dev-context.js";
import { markStarted, nextBackoff, type BackoffState } from "./restart/backoff.js";

export interface CrashMonitorOptions {
  log: (line: string) => void;
  /** Asks for a restart of the service (through the same scheduler as file changes). */
  restart: (service: string) => void;
  /** Services it looks after: the ones `dev up` restarts. */
  watches: (service: string) => boolean;
}

/**
 * Tells crashes from intended stops: a `die` without a `kill` before it, for a service we are not
 * restarting ourselves, is a crash. Crashes are restarted with backoff and reported with the
 * last log lines; a code change cancels the wait, so a fix restarts the service at once.
 */
export class CrashMonitor {
  private readonly backoff = new Map<string, BackoffState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly restarting = new Set<string>();
  private readonly killed = new Set<string>();
  private readonly shown = new Map<string, string>();

  constructor(
    private readonly ctx: DevContext,
    private readonly opts: CrashMonitorOptions,
  ) {}

  onEvent(e: EngineEvent): void {
    if (e.action === "kill" || e.action === "stop") this.killed.add(e.containerId);
    if (e.action !== "die") return;
    const intended = this.killed.delete(e.containerId) || this.restarting.has(e.service);
    if (intended || !this.opts.watches(e.service)) return;
    this.crashed(e.service, `exited with code ${e.exitCode ?? "?"}`, e.containerId).catch((err) => this.opts.log(`${e.service} crashed; its logs could not be read (${(err as Error).message})`));
  }

  /** A restart we made did not come up (it crashed again during start-up): back off and retry. */
  failedRestart(service: string, why: string): void {
    this.crashed(service, why).catch((err) => this.opts.log(`${service} crashed; its logs could not be read (${(err as Error).message})`));
  }

  expectRestart(service: string): void {
    this.restarting.add(service);
    clearTimeout(this.timers.get(service));
  }

  restartDone(service: string, ok: boolean): void {
    this.restarting.delete(service);
    if (ok) this.backoff.set(service, markStarted(this.backoff.get(service) ?? { delayMs: 0 }, Date.now()));
  }

  /** New code: whatever the backoff said, try it now. */
  codeChanged(service: string): void {
    clearTimeout(this.timers.get(service));
    this.timers.delete(service);
    this.backoff.delete(service);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
  }

  /** The end of the run that crashed only: lines from earlier runs (old access logs) were shown then. */
  private async lastRunLines(id: string): Promise<string[]> {
    const started = await this.ctx.engine.inspect(id).then((c) => Date.parse(c.startedAt ?? ""), () => NaN);
    const since = Number.isFinite(started) && started > 0 ? Math.floor(started / 1000) : undefined;
    return this.ctx.engine.logs(id, { tail: 10, since }).catch(() => []);
  }

  private async crashed(service: string, why: string, containerId?: string): Promise<void> {
    const state = nextBackoff(this.backoff.get(service), Date.now());
    this.backoff.set(service, state);
    const id = containerId ?? (await this.ctx.engine.listContainers(this.ctx.name, { service, all: true }))[0]?.id;
    const lines = id ? await this.lastRunLines(id) : [];
    const wait = state.delayMs >= 1000 ? `${(state.delayMs / 1000).toFixed(1)} s` : `${state.delayMs} ms`;
    // Each retry crashing the same way says so in one line instead of the same lines again.
    const same = lines.length > 0 && lines.join("\n") === this.shown.get(service);
    this.shown.set(service, lines.join("\n"));
    const head = `${service} crashed: ${why}; restarting in ${wait} (save a fix to restart at once)`;
    this.opts.log(same ? `${head}; same output as before` : [`${head}. Last lines:`, ...lines.map((l) => `  ${service} | ${l}`)].join("\n"));
    clearTimeout(this.timers.get(service));
    this.timers.set(service, setTimeout(() => this.opts.restart(service), state.delayMs));
  }
}
