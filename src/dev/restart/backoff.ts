/**
 * Crash-loop backoff after Docker's restart policy: 100 ms, doubling to 1 min; a container that
 * stayed up for `resetAfterMs` starts again from 100 ms. Pure: the caller passes the clock.
 */
export interface BackoffState {
  /** The wait before the last restart; 0 when the service never crashed yet. */
  delayMs: number;
  lastStartAt?: number;
}

export const BACKOFF = { initialMs: 100, maxMs: 60_000, resetAfterMs: 10_000 };

export function nextBackoff(state: BackoffState | undefined, crashedAt: number): BackoffState {
  const stable = state?.lastStartAt !== undefined && crashedAt - state.lastStartAt >= BACKOFF.resetAfterMs;
  // A state may hold 0 (started by a file change, never crashed): doubling must start from the
  // initial delay, or a crash loop after a save would restart without any wait.
  const delayMs = !state || stable ? BACKOFF.initialMs : Math.min(Math.max(state.delayMs * 2, BACKOFF.initialMs), BACKOFF.maxMs);
  return { delayMs, lastStartAt: state?.lastStartAt };
}

export function markStarted(state: BackoffState | undefined, at: number): BackoffState {
  return { delayMs: state?.delayMs ?? 0, lastStartAt: at };
}
