import type { EngineEvent } from "../engine/engine.js";
import { RELOAD_SIGNAL_NUMBER } from "../render/supervisor.js";
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

  constructor(
    private readonly ctx: DevContext,
    private readonly opts: CrashMonitorOptions,
  ) {}

  onEvent(e: EngineEvent): void {
    // A reload signal is no stop: a later exit of that container is still a crash.
    if ((e.action === "kill" && e.signal !== RELOAD_SIGNAL_NUMBER) || e.action === "stop") this.killed.add(e.containerId);
    if (e.action !== "die") return;
    const intended = this.killed.delete(e.containerId) || this.restarting.has(e.service);
    if (intended || !this.opts.watches(e.service)) return;
    void this.crashed(e.service, `exited with code ${e.exitCode ?? "?"}`, e.containerId);
  }

  /** A restart we made did not come up (it crashed again during start-up): back off and retry. */
  failedRestart(service: string, why: string): void {
    void this.crashed(service, why);
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

  private async crashed(service: string, why: string, containerId?: string): Promise<void> {
    const state = nextBackoff(this.backoff.get(service), Date.now());
    this.backoff.set(service, state);
    const id = containerId ?? (await this.ctx.engine.listContainers(this.ctx.name, { service, all: true }))[0]?.id;
    const lines = id ? await this.ctx.engine.logs(id, { tail: 10 }).catch(() => []) : [];
    const wait = state.delayMs >= 1000 ? `${(state.delayMs / 1000).toFixed(1)} s` : `${state.delayMs} ms`;
    this.opts.log([`${service} crashed: ${why}; restarting in ${wait} (save a fix to restart at once). Last lines:`, ...lines.map((l) => `  ${service} | ${l}`)].join("\n"));
    clearTimeout(this.timers.get(service));
    this.timers.set(service, setTimeout(() => this.opts.restart(service), state.delayMs));
  }
}
