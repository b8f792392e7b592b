import type { Engine, EngineEvent } from "../engine/engine.js";
import type { RestartCause, ServiceChange } from "./restart/map-changes.js";
import { dependentsOf, healthWindowMs, startLevels, type StackService } from "./stack-services.js";

export interface StackKeeperOptions {
  engine: Engine;
  project: string;
  /** The stack's services now (stack.yaml may change while watching). */
  services: () => StackService[];
  /** Runs a service's restart through the scheduler (one in flight per service); true when it came up. */
  push: (service: string, change: ServiceChange) => Promise<boolean>;
  log: (line: string) => void;
  /** Stopped on purpose through the tool: never brought back. */
  stoppedOnPurpose?: (service: string) => boolean;
  /** Waiting for its own restart (crash backoff): left to that. */
  waiting?: (service: string) => boolean;
  /** Slack added to a dependent's health window before judging it (a check may be running). */
  windowSlackMs?: number;
}

export interface Recovery {
  restarted: string[];
  /** Tried, and did not come up. */
  failed: string[];
  /** Not tried: what they depend on did not come up. */
  skipped: string[];
  seconds: number;
}

interface Watch {
  timer: NodeJS.Timeout;
  after: string;
}

/**
 * Keeps the whole stack running, not only the services with sources: brings back every service
 * that should run (seen running while `dev up` watches, and not stopped on purpose) in
 * dependency order, each ready before what depends on it starts; and after a database or broker
 * is restarted, watches the services that depend on it, restarting one only if it does not
 * recover by itself within its own health window.
 */
export class StackKeeper {
  private readonly seen = new Set<string>();
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(private readonly opts: StackKeeperOptions) {}

  /** What runs now is what should keep running. */
  async start(): Promise<void> {
    for (const c of await this.opts.engine.listContainers(this.opts.project)) this.seen.add(c.service);
  }

  /** A service of the stack that ran while `dev up` watched. */
  looksAfter(service: string): boolean {
    return this.seen.has(service) && this.opts.services().some((s) => s.name === service);
  }

  /** ...and was not stopped on purpose since. */
  shouldRun(service: string): boolean {
    return this.looksAfter(service) && !this.opts.stoppedOnPurpose?.(service);
  }

  onEvent(e: EngineEvent): void {
    if (e.oneoff || this.closed) return;
    if (e.action === "start") this.seen.add(e.service);
    const watch = this.watches.get(e.service);
    if (!watch || e.action !== "health_status") return;
    if (e.health === "healthy") this.unwatch(e.service);
    else if (e.health === "unhealthy") void this.restartDependent(e.service, watch.after);
  }

  /**
   * Brings `service` back (it crashed, or was stopped or removed from outside), with whatever
   * else should run and does not, dependencies first. Resolves when done.
   */
  async bringBack(service: string, cause: RestartCause): Promise<Recovery> {
    const result = await this.recover({ include: service, cause, quiet: false });
    const svc = this.opts.services().find((s) => s.name === service);
    if (result.restarted.includes(service) && svc?.presetKind === "addon") this.tellDependents(service);
    return result;
  }

  /** After the engine came back: everything that should run, in order, reported in one line. */
  async engineBack(): Promise<Recovery> {
    const result = await this.recover({ cause: "engine", quiet: true });
    const { restarted, failed, skipped, seconds } = result;
    const total = restarted.length + failed.length + skipped.length;
    if (total === 0) this.opts.log("engine back: every service is still running");
    else {
      const counted = restarted.length < total ? `${restarted.length} of ${total} services` : `${total} service${total === 1 ? "" : "s"}`;
      const names = restarted.length ? ` (${restarted.join(", ")})` : "";
      const failures = failed.length ? `; ${failed.join(", ")} did not come back (see above)` : "";
      const waiting = skipped.length ? `; ${skipped.join(", ")} not started (they need ${failed.join(", ")})` : "";
      this.opts.log(`engine back: ${counted} restarted in ${seconds.toFixed(1)} s${names}${failures}${waiting}`);
    }
    return result;
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.watches.keys()]) this.unwatch(name);
  }

  private async recover(o: { include?: string; cause: RestartCause; quiet: boolean }): Promise<Recovery> {
    const t0 = performance.now();
    const listed = await this.opts.engine.listContainers(this.opts.project).catch(() => undefined);
    // The engine went away again: its return starts over.
    if (!listed) return { restarted: [], failed: [], skipped: [], seconds: 0 };
    const running = new Set(listed.map((c) => c.service));
    const down = this.opts
      .services()
      .map((s) => s.name)
      .filter((name) => name === o.include || (this.shouldRun(name) && !running.has(name) && !this.opts.waiting?.(name)));
    const restarted: string[] = [];
    const failed: string[] = [];
    const skipped: string[] = [];
    for (const level of startLevels(this.opts.services(), down)) {
      // What depends on a service that did not come up would only fail after it.
      if (this.closed || failed.length) {
        skipped.push(...level);
        continue;
      }
      const results = await Promise.all(
        level.map((name) => this.opts.push(name, { files: [], rebuild: false, cause: name === o.include ? o.cause : o.cause === "engine" ? "engine" : "crash", quiet: o.quiet })),
      );
      level.forEach((name, i) => (results[i] ? restarted : failed).push(name));
    }
    return { restarted, failed, skipped, seconds: (performance.now() - t0) / 1000 };
  }

  private tellDependents(service: string): void {
    const all = this.opts.services();
    const dependents = dependentsOf(all, service).filter((d) => this.shouldRun(d.name));
    if (dependents.length === 0) return;
    const names = dependents.map((d) => d.name).join(", ");
    this.opts.log(`${names} depend${dependents.length === 1 ? "s" : ""} on ${service}: told it restarted; restarted only if not recovered within the health window`);
    for (const d of dependents) {
      const window = healthWindowMs(d);
      // Without a healthcheck there is nothing to judge by: if it exits, that is a crash.
      if (window === undefined) continue;
      this.unwatch(d.name);
      const timer = setTimeout(() => void this.judge(d.name, service), window + (this.opts.windowSlackMs ?? 1000));
      this.watches.set(d.name, { timer, after: service });
    }
  }

  private async judge(name: string, after: string): Promise<void> {
    if (!this.watches.has(name)) return;
    this.unwatch(name);
    const containers = await this.opts.engine.listContainers(this.opts.project, { service: name }).catch(() => []);
    if (containers.some((c) => c.health === "unhealthy" || c.health === "starting")) await this.restartDependent(name, after);
  }

  private async restartDependent(name: string, after: string): Promise<void> {
    this.unwatch(name);
    if (this.closed || !this.shouldRun(name)) return;
    this.opts.log(`${name} did not recover after ${after} restarted: restarting it`);
    await this.opts.push(name, { files: [], rebuild: false, cause: "dependency" });
  }

  private unwatch(name: string): void {
    clearTimeout(this.watches.get(name)?.timer);
    this.watches.delete(name);
  }
}
