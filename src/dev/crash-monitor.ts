import type { Engine, EngineEvent } from "../engine/engine.js";
import { markStarted, nextBackoff, type BackoffState } from "./restart/backoff.js";
import type { RestartCause } from "./restart/map-changes.js";

export interface CrashMonitorOptions {
  engine: Engine;
  project: string;
  log: (line: string) => void;
  /** Asks for the service to be brought back (through the same scheduler as file changes). */
  restart: (service: string, cause: RestartCause) => void;
  /** Services it looks after: those of the stack that should be running. */
  watches: (service: string) => boolean;
  /** Stopped on purpose through the tool (`dev stop`, `dev down`): left stopped. Asked when deciding. */
  stoppedOnPurpose?: (service: string) => boolean;
  /** Has sources: saving a fix restarts it at once, and the report says so. */
  hasSources?: (service: string) => boolean;
  /**
   * How long a stop from outside may take to turn out to be a restart (`docker restart`, `dev
   * restart` from another terminal: a start follows the stop within milliseconds).
   */
  graceMs?: number;
  now?: () => number;
}

interface Decision {
  timer: NodeJS.Timeout;
  cause: RestartCause;
  containerId?: string;
}

/**
 * Tells crashes and outside stops from intended ones. The engine's kill and stop events do not
 * say who asked; our own restarts are known (expectRestart, ownCompose) and a stop through the
 * tool is recorded (stoppedOnPurpose), so anything else came from outside: a `die` alone is a
 * crash, a `kill`/`stop` then `die` is `docker kill`/`docker stop`, a `destroy` is `docker rm`.
 * Each is reported with the last log lines and brought back with backoff; a code change cancels
 * the wait, so a fix restarts the service at once.
 */
export class CrashMonitor {
  private readonly backoff = new Map<string, BackoffState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly decisions = new Map<string, Decision>();
  private readonly restarting = new Set<string>();
  private readonly stoppedFromOutside = new Set<string>();
  private composing = 0;
  private paused = false;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: CrashMonitorOptions) {
    this.graceMs = opts.graceMs ?? 500;
    this.now = opts.now ?? Date.now;
  }

  onEvent(e: EngineEvent): void {
    if (e.oneoff || this.paused) return;
    const ours = this.restarting.has(e.service) || this.composing > 0;
    switch (e.action) {
      case "kill":
      case "stop":
        if (!ours) this.stoppedFromOutside.add(e.containerId);
        return;
      case "start":
        // Someone brought it back (docker restart, dev restart, compose up): nothing to do.
        if (!ours) this.cancel(e.service);
        return;
      case "die": {
        const fromOutside = this.stoppedFromOutside.delete(e.containerId);
        if (ours || !this.opts.watches(e.service)) return;
        if (fromOutside) this.decideLater(e.service, "outside", e.containerId);
        else void this.crashed(e.service, "crash", `exited with code ${e.exitCode ?? "?"}`, e.containerId);
        return;
      }
      case "destroy": {
        this.stoppedFromOutside.delete(e.containerId);
        if (ours || !this.opts.watches(e.service)) return;
        // `docker rm -f`: its kill and die came first; say what really happened. A container
        // removed while stopped (crashed, waiting for its backoff) is recreated by that restart.
        const pending = this.decisions.get(e.service);
        if (pending) pending.cause = "removed";
        else if (!this.timers.has(e.service)) this.decideLater(e.service, "removed");
        return;
      }
    }
  }

  /** A restart we made did not come up (it crashed again during start-up): back off and retry. */
  failedRestart(service: string, why: string): void {
    this.restarting.delete(service);
    void this.crashed(service, "crash", why);
  }

  /** We are about to restart it: its stop and exit are ours, and any pending wait is over. */
  expectRestart(service: string): void {
    this.restarting.add(service);
    this.cancel(service);
  }

  restartDone(service: string, ok: boolean): void {
    this.restarting.delete(service);
    if (ok) this.backoff.set(service, markStarted(this.backoff.get(service), this.now()));
  }

  /** A compose command of ours (applying stack.yaml) recreates containers: their stops are ours. */
  async ownCompose<T>(work: Promise<T>): Promise<T> {
    this.composing++;
    try {
      return await work;
    } finally {
      // Its last events may still be on their way when compose exits.
      setTimeout(() => this.composing--, this.graceMs).unref?.();
    }
  }

  /** New code: whatever the backoff said, try it now. */
  codeChanged(service: string): void {
    clearTimeout(this.timers.get(service));
    this.timers.delete(service);
    this.backoff.delete(service);
  }

  /** The engine went away: nothing can be restarted, and what it stops meanwhile is no crash. */
  pause(): void {
    this.paused = true;
    for (const service of [...this.timers.keys(), ...this.decisions.keys()]) this.cancel(service);
    this.stoppedFromOutside.clear();
  }

  /** The engine is back; the caller brings the stack back as a whole. */
  resume(): void {
    this.paused = false;
  }

  /** Waiting to restart it (a backoff or an outside stop being confirmed). */
  waiting(service: string): boolean {
    return this.timers.has(service) || this.decisions.has(service);
  }

  close(): void {
    for (const service of [...this.timers.keys(), ...this.decisions.keys()]) this.cancel(service);
  }

  private cancel(service: string): void {
    clearTimeout(this.timers.get(service));
    this.timers.delete(service);
    clearTimeout(this.decisions.get(service)?.timer);
    this.decisions.delete(service);
  }

  private decideLater(service: string, cause: RestartCause, containerId?: string): void {
    clearTimeout(this.decisions.get(service)?.timer);
    const decision: Decision = {
      cause,
      containerId,
      timer: setTimeout(() => {
        this.decisions.delete(service);
        const why = decision.cause === "removed" ? "its container was removed from outside (docker rm)" : "was stopped from outside (docker stop or kill)";
        void this.crashed(service, decision.cause, why, decision.cause === "removed" ? undefined : decision.containerId);
      }, this.graceMs),
    };
    this.decisions.set(service, decision);
  }

  private async crashed(service: string, cause: RestartCause, why: string, containerId?: string): Promise<void> {
    if (this.paused || this.restarting.has(service)) return;
    if (this.opts.stoppedOnPurpose?.(service)) {
      this.opts.log(`${service} was stopped on purpose: left stopped`);
      return;
    }
    const state = nextBackoff(this.backoff.get(service), this.now());
    this.backoff.set(service, state);
    const id = containerId ?? (cause === "removed" ? undefined : (await this.opts.engine.listContainers(this.opts.project, { service, all: true }).catch(() => []))[0]?.id);
    const lines = id ? await this.opts.engine.logs(id, { tail: 10 }).catch(() => []) : [];
    // Meanwhile a save may have restarted it, or the engine gone away.
    if (this.paused || this.restarting.has(service)) return;
    clearTimeout(this.timers.get(service));
    this.timers.set(
      service,
      setTimeout(() => {
        this.timers.delete(service);
        this.opts.restart(service, cause);
      }, state.delayMs),
    );
    const wait = state.delayMs >= 1000 ? `${(state.delayMs / 1000).toFixed(1)} s` : `${state.delayMs} ms`;
    const verb = cause === "removed" ? "recreating" : "restarting";
    const crash = cause === "crash" ? "crashed: " : "";
    const fix = cause === "crash" && this.opts.hasSources?.(service) ? " (save a fix to restart at once)" : "";
    this.opts.log(
      [`${service} ${crash}${why}; ${verb} in ${wait}${fix}${lines.length ? ". Last lines:" : ""}`, ...lines.map((l) => `  ${service} | ${l}`)].join("\n"),
    );
  }
}
