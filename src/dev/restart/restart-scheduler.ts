import type { ServiceChange } from "./map-changes.js";

export interface RestartScheduler {
  push(service: string, change: ServiceChange): void;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  close(): void;
}

interface Slot {
  pending?: ServiceChange;
  timer?: NodeJS.Timeout;
  firstAt?: number;
  running?: Promise<void>;
}

function merge(a: ServiceChange | undefined, b: ServiceChange): ServiceChange {
  if (!a) return { files: [...b.files], rebuild: b.rebuild, burst: b.burst };
  return { files: [...new Set([...a.files, ...b.files])], rebuild: a.rebuild || b.rebuild, burst: a.burst || b.burst };
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
  run: (service: string, change: ServiceChange) => Promise<void>;
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
    slot.pending = undefined;
    slot.firstAt = undefined;
    slot.running = opts
      .run(service, change)
      .catch(() => undefined)
      .finally(() => {
        slot.running = undefined;
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
      if (closed) return;
      const slot = slots.get(service) ?? {};
      slots.set(service, slot);
      slot.pending = merge(slot.pending, change);
      if (slot.running) return; // one more run follows when this one ends
      const now = Date.now();
      slot.firstAt ??= now;
      schedule(service, slot, Math.max(0, Math.min(quietFor(slot.pending), slot.firstAt + maxWait - now)));
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      });
    },
    close() {
      closed = true;
      for (const slot of slots.values()) clearTimeout(slot.timer);
    },
  };
}
