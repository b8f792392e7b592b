import type { ServiceChange } from "./map-changes.js";

export interface RestartScheduler {
  /**
   * Asks for a run; resolves when the run that includes this change has ended: true when it
   * succeeded, false when it failed (or the scheduler closed first). Callers that only ask may
   * ignore it; `dev up` waits on it to start services in dependency order.
   */
  push(service: string, change: ServiceChange): Promise<boolean>;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  /** Drops what is pending; runs in flight go on (idle() resolves once they end). */
  close(): void;
}

interface Slot {
  pending?: ServiceChange;
  /** Callers waiting for the pending change's run, then for the running one's. */
  pendingWaiters: ((ok: boolean) => void)[];
  timer?: NodeJS.Timeout;
  firstAt?: number;
  running?: Promise<void>;
}

function merge(a: ServiceChange | undefined, b: ServiceChange): ServiceChange {
  if (!a) return { ...b, files: [...b.files] };
  const merged: ServiceChange = { files: [...new Set([...a.files, ...b.files])], rebuild: a.rebuild || b.rebuild };
  if (a.burst || b.burst) merged.burst = true;
  // A file change merged with a crash says what it is: the files are the news.
  if (a.cause && b.cause) merged.cause = a.cause;
  if (a.quiet && b.quiet) merged.quiet = true;
  return merged;
}

/**
 * Per service: changes are debounced (a quiet period, capped by maxWaitMs so an endless stream
 * still restarts; once more than `burstFiles` files are pending, e.g. a branch switch or a code
 * generator, the quiet period grows to `burstDebounceMs`, since such writers pause between
 * batches), at most one run is in flight, and whatever arrives during a run causes exactly
 * one more run after it, with everything merged. A 1,000-file branch switch is one restart; a
 * change marked `burst` (a new folder appeared) waits the burst quiet period from the start.
 */
export function createRestartScheduler(opts: {
  debounceMs: number;
  burstDebounceMs?: number;
  burstFiles?: number;
  maxWaitMs?: number;
  /** Resolves false (or throws) when the run failed. */
  run: (service: string, change: ServiceChange) => Promise<void | boolean>;
}): RestartScheduler {
  const slots = new Map<string, Slot>();
  const burstDebounce = opts.burstDebounceMs ?? Math.max(opts.debounceMs, 400);
  const burstFiles = opts.burstFiles ?? 20;
  const maxWait = opts.maxWaitMs ?? Math.max(burstDebounce * 5, 2000);
  // (An endless stream of changes still restarts once per maxWait.)
  let closed = false;
  const waiters: (() => void)[] = [];

  const quietFor = (change: ServiceChange) => (change.burst || change.files.length > burstFiles ? burstDebounce : opts.debounceMs);

  const settleIfIdle = () => {
    if ([...slots.values()].every((s) => !s.pending && !s.running)) waiters.splice(0).forEach((w) => w());
  };

  const fire = (service: string) => {
    const slot = slots.get(service)!;
    slot.timer = undefined;
    if (slot.running || !slot.pending || closed) return;
    const change = slot.pending;
    const runWaiters = slot.pendingWaiters.splice(0);
    slot.pending = undefined;
    slot.firstAt = undefined;
    slot.running = opts
      .run(service, change)
      .then((res) => res !== false)
      .catch(() => false)
      .then((ok) => {
        slot.running = undefined;
        runWaiters.forEach((w) => w(ok));
        // What arrived during the run gets the same quiet period: the burst may still be going.
        if (slot.pending && !closed) {
          slot.firstAt = Date.now();
          schedule(service, slot, quietFor(slot.pending));
        } else settleIfIdle();
      });
  };

  const schedule = (service: string, slot: Slot, delay: number) => {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => fire(service), delay);
  };

  return {
    push(service, change) {
      if (closed) return Promise.resolve(false);
      const slot: Slot = slots.get(service) ?? { pendingWaiters: [] };
      slots.set(service, slot);
      slot.pending = merge(slot.pending, change);
      const done = new Promise<boolean>((resolve) => slot.pendingWaiters.push(resolve));
      if (slot.running) return done; // one more run follows when this one ends
      const now = Date.now();
      slot.firstAt ??= now;
      schedule(service, slot, Math.max(0, Math.min(quietFor(slot.pending), slot.firstAt + maxWait - now)));
      return done;
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      });
    },
    close() {
      closed = true;
      for (const slot of slots.values()) {
        clearTimeout(slot.timer);
        slot.pending = undefined;
        slot.firstAt = undefined;
        slot.pendingWaiters.splice(0).forEach((w) => w(false));
      }
      // idle() now waits for the runs in flight only: nothing new starts.
      settleIfIdle();
    },
  };
}
