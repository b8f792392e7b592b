import type { DevContext } from "../dev/dev-context.js";
import type { DevEvent, DevEventRecord } from "../dev/dev-events.js";
import { readStatus } from "../dev/read-status.js";
import type { ServiceStatus, StatusModel } from "../dev/status-model.js";
import type { ContainerInfo, EngineEvent } from "../engine/engine.js";

/** What changed since the last update: services added or changed (whole), removed ones, new events. */
export interface StatusDelta {
  services?: ServiceStatus[];
  removed?: string[];
  events?: DevEvent[];
}

/** Services that differ between two lists, and names that are gone. */
export function diffServices(before: ServiceStatus[], after: ServiceStatus[]): StatusDelta {
  const old = new Map(before.map((s) => [s.service, JSON.stringify(withoutUptime(s))]));
  const changed = after.filter((s) => old.get(s.service) !== JSON.stringify(withoutUptime(s)));
  const names = new Set(after.map((s) => s.service));
  const removed = before.filter((s) => !names.has(s.service)).map((s) => s.service);
  return { ...(changed.length ? { services: changed } : {}), ...(removed.length ? { removed } : {}) };
}

// The uptime grows each second; the page counts it on from startedAt.
function withoutUptime(s: ServiceStatus): Omit<ServiceStatus, "uptimeSeconds"> {
  const { uptimeSeconds: _, ...rest } = s;
  return rest;
}

/**
 * The status model kept current while dev up runs: read again when the engine reports a change
 * of the project's containers (a few reads per burst of events, none while nothing happens) and
 * when dev up records an event; each change goes out as a delta.
 */
export class LiveStatus {
  private model: StatusModel | undefined;
  private readonly listeners = new Set<(d: StatusDelta) => void>();
  private refreshing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: () => DevContext,
    private readonly events: DevEventRecord,
    private readonly onContainers: (containers: ContainerInfo[]) => void,
  ) {
    this.unsubscribe = events.subscribe((e) => {
      if (this.model) this.model.events = this.events.list();
      this.emit({ events: [e] });
      this.schedule();
    });
  }

  async start(): Promise<void> {
    await this.refresh();
    const c = this.ctx();
    // A healthcheck is an exec every few seconds (exec_create, exec_start, exec_die): no change of
    // state, and a page left open would cost dev up a read of every container each time.
    const onEvent = (e: EngineEvent) => {
      if (!e.action.startsWith("exec_")) this.schedule();
    };
    void c.engine.events(c.name, onEvent, this.abort.signal, () => this.schedule()).catch(() => undefined);
  }

  snapshot(): StatusModel {
    return this.model ?? { project: this.ctx().name, services: [], events: this.events.list() };
  }

  subscribe(listener: (d: StatusDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Read again soon: events come in bursts (a restart is kill, die, stop, start, health). */
  schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, 150);
  }

  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const c = this.ctx();
        try {
          const containers = await c.engine.listContainers(c.name, { all: true });
          this.onContainers(containers);
          const next = await readStatus(c, this.events.list(), containers);
          const delta = this.model ? diffServices(this.model.services, next.services) : {};
          this.model = next;
          if (delta.services || delta.removed) this.emit(delta);
        } catch {
          // The engine away: the page keeps the last state; its return sends events again.
        }
      } while (this.again && !this.abort.signal.aborted);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  close(): void {
    this.abort.abort();
    clearTimeout(this.timer);
    this.unsubscribe();
  }

  private emit(d: StatusDelta): void {
    for (const l of this.listeners) l(d);
  }
}
