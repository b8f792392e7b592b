import { runtimeError, type StackError } from "../errors/stack-error.js";

/** What a wait tells each look: when it ends. */
export interface Look {
  deadline: number;
}

/** What one look at a readiness condition found. */
export type ProbeResult = { ready: true } | { ready: false; failed?: StackError };

/**
 * A readiness condition as a value (after testcontainers' wait strategies): `what` names it in a
 * timeout, `probe` looks once. A probe that sees a terminal failure (the container exited) returns
 * it, so the wait ends at once with that error instead of running into its timeout.
 */
export interface Readiness {
  what: string;
  /** Poll interval in ms; the strategy knows how cheap a look is. */
  intervalMs: number;
  /** `look.deadline`: when the wait ends (ms since the epoch), for a probe that bounds one look by it. */
  probe(look?: Look): Promise<ProbeResult>;
  /** The error for a timeout, e.g. with log lines; a plain E_WAIT_TIMEOUT naming `what` otherwise. */
  timedOut?(timeoutMs: number): Promise<StackError>;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The one retry loop: looks until ready, a terminal failure, the timeout or the abort. An abort
 * resolves `false` (the caller stopped caring); everything else resolves `true` or throws.
 */
export async function waitFor(readiness: Readiness, opts: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) return false;
    const result = await readiness.probe({ deadline });
    if (result.ready) return true;
    if (result.failed) throw result.failed;
    if (Date.now() >= deadline) {
      throw (await readiness.timedOut?.(opts.timeoutMs)) ?? runtimeError("E_WAIT_TIMEOUT", `${readiness.what}: not ready within ${seconds(opts.timeoutMs)}`);
    }
    await sleep(Math.min(readiness.intervalMs, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
