import type { Readiness } from "./wait-for.js";

export interface BackoffOptions {
  /** The longest wait between two looks. */
  maxMs: number;
  /** Each wait this many times the one before (default 1.5). */
  factor?: number;
  now?: () => number;
}

/**
 * Looks at `part` on a schedule of its own: the first look at once, the next after its
 * intervalMs, each later one `factor` times further apart, up to `maxMs`. In between it answers
 * "not ready" without looking, so beside a cheaper signal polled often (firstOf) an expensive
 * check (a healthcheck command run in the container) is not run back to back, and a service
 * slow to start is not asked ever more often while the machine is busiest.
 */
export function backingOff(part: Readiness, opts: BackoffOptions): Readiness {
  const now = opts.now ?? Date.now;
  const factor = opts.factor ?? 1.5;
  let interval = part.intervalMs;
  let due = 0;
  return {
    what: part.what,
    intervalMs: part.intervalMs,
    async probe(look) {
      if (now() < due) return { ready: false };
      const result = await part.probe(look);
      due = now() + interval;
      interval = Math.min(interval * factor, opts.maxMs);
      return result;
    },
    timedOut: part.timedOut,
  };
}
