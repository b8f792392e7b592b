import type { ContainerInfo, Engine } from "../engine/engine.js";

/** One log line as the page gets it: time (ISO, from the engine), service, stream, text. */
export interface LogLine {
  t: string;
  s: string;
  e: "out" | "err";
  m: string;
}

export interface LogBatch {
  lines: LogLine[];
  /** Lines dropped since the last batch because more came than a batch may hold. */
  dropped: number;
}

export interface LogTailOptions {
  engine: Engine;
  /** Lines kept for a page that connects later. */
  keep?: number;
  /** Most lines sent per batch; the oldest of a bigger burst are dropped (and counted). */
  maxBatch?: number;
  /** How often batches go out. */
  everyMs?: number;
  /** Lines each container starts with when first followed. */
  tail?: number;
}

/**
 * Follows the logs of the stack's running containers with the engine's timestamps, and hands
 * them out in batches (a few a second, however fast the services write): a service writing
 * 10,000 lines a second costs the page a handful of updates, and a burst bigger than a batch
 * is cut, saying how much was dropped.
 */
export class LogTail {
  private readonly following = new Map<string, AbortController>();
  /** The last time seen per container: following again after a restart starts there. */
  private readonly lastTime = new Map<string, string>();
  private readonly recent: LogLine[] = [];
  private pending: LogLine[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(b: LogBatch) => void>();
  private closed = false;

  constructor(private readonly opts: LogTailOptions) {}

  /** Follows every running container not followed yet (called whenever the containers change). */
  update(containers: ContainerInfo[]): void {
    if (this.closed) return;
    for (const c of containers) if (c.state === "running" && !this.following.has(c.id)) this.follow(c);
  }

  subscribe(listener: (b: LogBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The lines kept for a page that connects now. */
  history(): LogLine[] {
    return [...this.recent];
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pause();
  }

  /**
   * Stops following (no page is open): the lines kept and the last time seen per container stay,
   * so the next update() follows on from there and nothing written meanwhile is missed.
   */
  pause(): void {
    for (const c of this.following.values()) c.abort();
    this.following.clear();
  }

  private follow(c: ContainerInfo): void {
    const controller = new AbortController();
    this.following.set(c.id, controller);
    const last = this.lastTime.get(c.id);
    const since = last ? Date.parse(last) / 1000 : undefined;
    const onLine = (line: string, stream: "stdout" | "stderr") => {
      const sp = line.indexOf(" ");
      const t = sp > 0 ? line.slice(0, sp) : "";
      // Following again from the last second seen: skip what was already handed out.
      if (last && t <= last) return;
      this.lastTime.set(c.id, t);
      this.push({ t, s: c.service, e: stream === "stderr" ? "err" : "out", m: sp > 0 ? line.slice(sp + 1) : line });
    };
    void this.opts.engine
      .followLogs(c.id, onLine, controller.signal, { timestamps: true, ...(since !== undefined ? { since: Math.floor(since) } : { tail: this.opts.tail ?? 200 }) })
      .catch(() => undefined)
      .finally(() => {
        if (this.following.get(c.id) === controller) this.following.delete(c.id);
      });
  }

  private push(line: LogLine): void {
    const max = this.opts.maxBatch ?? 5000;
    this.pending.push(line);
    if (this.pending.length > max * 2) {
      this.dropped += this.pending.length - max;
      this.pending = this.pending.slice(-max);
    }
    this.timer ??= setTimeout(() => this.flush(), this.opts.everyMs ?? 100);
  }

  private flush(): void {
    this.timer = undefined;
    const max = this.opts.maxBatch ?? 5000;
    let lines = this.pending;
    this.pending = [];
    if (lines.length > max) {
      this.dropped += lines.length - max;
      lines = lines.slice(-max);
    }
    const keep = this.opts.keep ?? 2000;
    this.recent.push(...lines.slice(-keep));
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
    const batch = { lines, dropped: this.dropped };
    this.dropped = 0;
    for (const l of this.listeners) l(batch);
  }
}
