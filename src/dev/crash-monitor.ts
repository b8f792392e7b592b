import type { Engine, EngineEvent } from "../engine/engine.js";
import { RELOAD_SIGNAL_NUMBER } from "../render/supervisor.js";
import { engineAnswers, pollUntilAnswers } from "./engine-answers.js";
import { markStarted, nextBackoff, type BackoffState } from "./restart/backoff.js";
import type { RestartCause } from "./restart/map-changes.js";

export interface CrashMonitorOptions {
  engine: Engine;
  project: string;
  log: (line: string) => void;
  /** Asks for the service to be brought back (through the same scheduler as file changes). */
  restart: (service: string, cause: RestartCause) => void;
  /** Services it looks after: those of the stack that were running while `dev up` watched. */
  watches: (service: string) => boolean;
  /** Stopped on purpose through the tool (`dev stop`, `dev down`): left stopped. Asked when deciding. */
  stoppedOnPurpose?: (service: string) => boolean;
  /** Has sources: saving a fix restarts it at once, and the report says so. */
  hasSources?: (service: string) => boolean;
  /**
   * After a stop from outside, how long a start may take to follow before we restart it
   * ourselves: `docker restart` (and `dev restart` from another terminal) stop, then start, and
   * the engine may take a couple of seconds in between.
   */
  stopWindowMs?: number;
  /** How long after our own compose command its events are still ours. */
  composeTailMs?: number;
  /**
   * The engine stopped answering right after it stopped or killed containers of ours: it is going
   * away (dockerd closes its API before it stops its containers, and its event stream drops only
   * once they are all down). Nothing is reported or restarted per service; the caller waits for
   * the engine to come back and brings the stack back as a whole.
   */
  onEngineLeaving?: () => void;
  /** After onEngineLeaving, the engine answered again without its event stream dropping. */
  onEngineStayed?: () => void;
  /** Each crash as it is reported: why, the end of its output and the wait before the restart. */
  onCrash?: (crash: { service: string; cause: RestartCause; why: string; lines: string[]; backoffMs: number }) => void;
  /**
   * Another command of ours changing the project, or acting on this service, right now (dev add,
   * dev remove, dev restart in another terminal, a dashboard button): its name. What it stops or
   * removes is its doing, said as such.
   */
  commandElsewhere?: (service: string) => string | undefined;
  /** How long the engine may take to answer before it counts as gone (default 3 s). */
  verdictTimeoutMs?: number;
  /** While the engine is going away, how often to ask whether it answers again (default 1 s). */
  pollMs?: number;
  now?: () => number;
}

/** docker kill's default signal; a stop (or restart) sends the image's stop signal first. */
const KILL_SIGNALS = new Set(["9", "KILL", "SIGKILL"]);

/**
 * Tells crashes and outside stops from intended ones. The engine's kill and stop events do not
 * say who asked; our own restarts are known (expectRestart, ownCompose) and a stop through the
 * tool is recorded (stoppedOnPurpose), so anything else came from outside: a `die` alone is a
 * crash, a `kill` then `die` is `docker kill` (SIGKILL) or `docker stop` (its stop signal), a
 * `destroy` is `docker rm`. Each is reported at once, with the last log lines, and brought back
 * with backoff (a stop waits a little longer, in case a start follows: a restart); a code change
 * cancels the wait, so a fix restarts the service at once.
 *
 * Before any of that, the engine is asked whether it still answers: a daemon that is shutting
 * down stops every container first (each looks like a stop from outside) and closes its API
 * before that. Its verdict makes those stops one event of the whole stack instead of one per
 * service; the events that arrive while it is asked wait, and keep their order.
 */
export class CrashMonitor {
  private readonly backoff = new Map<string, BackoffState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** What a pending timer restarts for: a removal noticed after the stop makes it a recreation. */
  private readonly timerCauses = new Map<string, RestartCause>();
  /** The report of the pending restart, printed once its log lines are read. */
  private readonly reports = new Map<string, Promise<void>>();
  private readonly restarting = new Set<string>();
  /** Containers stopped by someone else, with the first signal they got. */
  private readonly outsideSignals = new Map<string, string>();
  private composing = 0;
  private paused = false;
  /** The engine stopped answering after stopping containers of ours: it is going away. */
  private leaving = false;
  /** Events that arrived while the engine's verdict was awaited, each with whether it was ours then. */
  private held: { e: EngineEvent; ours: boolean }[] | undefined;
  private stopPolling: () => void = () => undefined;
  private closed = false;
  private readonly now: () => number;
  /** The last lines shown per service: a retry that crashes the same way says so in one line. */
  private readonly shown = new Map<string, string>();
  /** What other commands of ours did, said once each. */
  private readonly told = new Set<string>();

  constructor(private readonly opts: CrashMonitorOptions) {
    this.now = opts.now ?? Date.now;
  }

  onEvent(e: EngineEvent): void {
    if (e.oneoff || this.paused || this.leaving) return;
    // Whether it is ours is decided now: our restart may be over by the time it is handled.
    let ours = this.restarting.has(e.service) || this.composing > 0;
    if (!ours && (e.action === "kill" || e.action === "die" || e.action === "destroy")) {
      const by = this.opts.commandElsewhere?.(e.service);
      if (by !== undefined) {
        ours = true;
        this.cancel(e.service);
        if (e.action !== "kill" && this.opts.watches(e.service)) this.tellElsewhere(e.service, by, e.action === "destroy");
      }
    }
    if (this.held) this.held.push({ e, ours });
    else if ((e.action === "die" || e.action === "destroy") && !ours && this.opts.watches(e.service)) {
      this.held = [{ e, ours }];
      void this.askEngine();
    } else this.handle(e, ours);
  }

  private handle(e: EngineEvent, ours: boolean): void {
    switch (e.action) {
      case "kill":
        // A reload signal is no stop: a later exit of that container is still a crash.
        if (e.signal === RELOAD_SIGNAL_NUMBER) return;
        if (!ours && !this.outsideSignals.has(e.containerId)) this.outsideSignals.set(e.containerId, e.signal ?? "");
        return;
      case "start":
        // Someone brought it back (docker restart, dev restart, compose up): nothing left to do.
        if (ours) return;
        if (this.timers.has(e.service)) {
          const service = e.service;
          void this.reports.get(service)?.then(() => this.opts.log(`${service} was started again from outside`));
        }
        this.cancel(e.service);
        return;
      case "die": {
        const signal = this.outsideSignals.get(e.containerId);
        this.outsideSignals.delete(e.containerId);
        if (ours || !this.opts.watches(e.service)) return;
        if (signal === undefined) this.crashed(e.service, "crash", `crashed: exited with code ${e.exitCode ?? "?"}`, e.containerId);
        else if (KILL_SIGNALS.has(signal)) this.crashed(e.service, "outside", "was killed from outside (docker kill)", e.containerId);
        else this.crashed(e.service, "outside", "was stopped from outside", e.containerId, this.opts.stopWindowMs ?? 3000);
        return;
      }
      case "destroy": {
        this.outsideSignals.delete(e.containerId);
        if (ours || !this.opts.watches(e.service) || this.opts.stoppedOnPurpose?.(e.service)) return;
        // Removing a container's files may take a while after its kill (docker rm -f): its
        // stop was reported already and its restart is waiting; it will be a recreation.
        if (this.timers.has(e.service)) this.timerCauses.set(e.service, "removed");
        else this.crashed(e.service, "removed", "its container was removed from outside (docker rm)");
        return;
      }
    }
  }

  /** Once per service and command: what the other command did to it. */
  private tellElsewhere(service: string, by: string, removed: boolean): void {
    const key = `${service}\0${by}\0${removed}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    this.opts.log(`${service}${removed ? "'s container was removed" : " was stopped"} by ${by} (our own command, not a crash)`);
  }

  /** A restart we made did not come up (it crashed again during start-up): back off and retry. */
  failedRestart(service: string, why: string): void {
    this.restarting.delete(service);
    this.crashed(service, "crash", `crashed: ${why}`);
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
      setTimeout(() => this.composing--, this.opts.composeTailMs ?? 500);
    }
  }

  /** New code: whatever the backoff said, try it now. */
  codeChanged(service: string): void {
    this.cancel(service);
    this.backoff.delete(service);
  }

  /** The engine went away: nothing can be restarted, and what it stops meanwhile is no crash. */
  pause(): void {
    this.paused = true;
    this.leaving = false;
    this.held = undefined;
    this.stopPolling();
    for (const service of [...this.timers.keys()]) this.cancel(service);
    this.outsideSignals.clear();
  }

  /** The engine is back; the caller brings the stack back as a whole. */
  resume(): void {
    this.paused = false;
  }

  /** The engine stopped answering after stopping containers of ours, and has not dropped its event stream yet. */
  isLeaving(): boolean {
    return this.leaving;
  }

  /** Waiting to restart it (its backoff, or a stop from outside that a start may still follow). */
  waiting(service: string): boolean {
    return this.timers.has(service);
  }

  close(): void {
    this.closed = true;
    this.stopPolling();
    for (const service of [...this.timers.keys()]) this.cancel(service);
  }

  /** A container of ours ended, not through us: first, does the engine still answer? */
  private async askEngine(): Promise<void> {
    const answers = await engineAnswers(this.opts.engine, this.opts.verdictTimeoutMs);
    // Asked while the events still wait, so those arriving meanwhile keep their order.
    const replaced = answers && !this.paused && !this.closed ? await this.replacedContainers(this.held ?? []) : new Set<string>();
    const held = this.held ?? [];
    this.held = undefined;
    // The stream dropped meanwhile (paused), or the watcher stopped: nothing to decide.
    if (this.paused || this.closed) return;
    if (answers) for (const { e, ours } of held) this.handle(e, ours || replaced.has(e.containerId));
    else this.leave();
  }

  /**
   * Containers that ended while a newer one of their service runs: replaced, by our own rebuild
   * (compose v2 stops, renames and removes the old container around starting the new one) whose
   * events arrived after it was over, or by a compose up elsewhere. The service did not stop.
   */
  private async replacedContainers(held: { e: EngineEvent; ours: boolean }[]): Promise<Set<string>> {
    const replaced = new Set<string>();
    const ended = held.filter(({ e, ours }) => !ours && (e.action === "die" || e.action === "destroy"));
    for (const service of new Set(ended.map(({ e }) => e.service))) {
      const running = await this.opts.engine.listContainers(this.opts.project, { service }).catch(() => []);
      for (const { e } of ended) if (e.service === service && running.some((c) => c.id !== e.containerId)) replaced.add(e.containerId);
    }
    return replaced;
  }

  /** One event of the whole stack: no report or restart per service; the engine's return brings it all back. */
  private leave(): void {
    this.leaving = true;
    for (const service of [...this.timers.keys()]) this.cancel(service);
    this.outsideSignals.clear();
    this.opts.onEngineLeaving?.();
    this.stopPolling = pollUntilAnswers(this.opts.engine, {
      everyMs: this.opts.pollMs ?? 1000,
      timeoutMs: this.opts.verdictTimeoutMs,
      waiting: () => this.leaving && !this.paused && !this.closed,
      // It answers and never dropped its stream: it did not go away after all.
      onAnswer: () => {
        this.leaving = false;
        this.opts.onEngineStayed?.();
      },
    });
  }

  private cancel(service: string): void {
    clearTimeout(this.timers.get(service));
    this.timers.delete(service);
    this.timerCauses.delete(service);
    this.reports.delete(service);
  }

  /**
   * Decides now (the wait starts at the crash, and a start arriving meanwhile cancels it), then
   * reports with the last log lines once they are read; the restart waits for the report, so
   * the lines come in order.
   */
  private crashed(service: string, cause: RestartCause, why: string, containerId?: string, minDelayMs = 0): void {
    if (this.paused || this.leaving || this.restarting.has(service)) return;
    if (this.opts.stoppedOnPurpose?.(service)) {
      this.opts.log(`${service} was stopped on purpose: left stopped`);
      return;
    }
    const state = nextBackoff(this.backoff.get(service), this.now());
    this.backoff.set(service, state);
    const delayMs = Math.max(state.delayMs, minDelayMs);
    this.cancel(service);
    this.timerCauses.set(service, cause);
    const report = this.report(service, cause, why, containerId, delayMs, minDelayMs > state.delayMs);
    const timer = setTimeout(
      () =>
        void report.then(() => {
          if (this.timers.get(service) !== timer) return;
          this.timers.delete(service);
          const restartCause = this.timerCauses.get(service) ?? cause;
          this.timerCauses.delete(service);
          // Asked at the last moment: `dev stop` may have recorded it after stopping it.
          if (this.opts.stoppedOnPurpose?.(service)) this.opts.log(`${service} was stopped on purpose: left stopped`);
          else this.opts.restart(service, restartCause);
        }),
      delayMs,
    );
    this.timers.set(service, timer);
    this.reports.set(service, report);
  }

  private async report(service: string, cause: RestartCause, why: string, containerId: string | undefined, delayMs: number, unlessStarted: boolean): Promise<void> {
    const id = containerId ?? (cause === "removed" ? undefined : (await this.opts.engine.listContainers(this.opts.project, { service, all: true }).catch(() => []))[0]?.id);
    // docker rm -f kills first: by the time it died, it is being removed. (Only inspect says so:
    // the container list still shows it running.) An inspect that fails for another reason (the
    // engine shutting down) says nothing about it.
    if (cause === "outside" && id && (await this.opts.engine.inspect(id).then((i) => ["removing", "dead"].includes(i.state), (err: { statusCode?: number }) => err?.statusCode === 404))) {
      [cause, why] = ["removed", "its container was removed from outside (docker rm)"];
      if (this.timerCauses.has(service)) this.timerCauses.set(service, cause);
    }
    const lines = id && cause !== "removed" ? await this.lastRunLines(id) : [];
    const wait = delayMs >= 1000 ? `${(delayMs / 1000).toFixed(1)} s` : `${delayMs} ms`;
    const verb = cause === "removed" ? "recreating" : "restarting";
    const unless = unlessStarted ? " unless it is started again" : "";
    const fix = cause === "crash" && this.opts.hasSources?.(service) ? " (save a fix to restart at once)" : "";
    const head = `${service}${cause === "removed" ? ":" : ""} ${why}; ${verb} in ${wait}${unless}${fix}`;
    // Each retry crashing the same way says so in one line instead of the same lines again.
    const same = lines.length > 0 && lines.join("\n") === this.shown.get(service);
    this.shown.set(service, lines.join("\n"));
    this.opts.onCrash?.({ service, cause, why, lines, backoffMs: delayMs });
    this.opts.log(same ? `${head}; same output as before` : [`${head}${lines.length ? ". Last lines:" : ""}`, ...lines.map((l) => `  ${service} | ${l}`)].join("\n"));
  }

  /** The end of the run that crashed only: lines from earlier runs (old access logs) were shown then. */
  private async lastRunLines(id: string): Promise<string[]> {
    const started = await this.opts.engine.inspect(id).then((c) => Date.parse(c.startedAt ?? ""), () => NaN);
    const since = Number.isFinite(started) && started > 0 ? Math.floor(started / 1000) : undefined;
    return this.opts.engine.logs(id, { tail: 10, since }).catch(() => []);
  }
}
