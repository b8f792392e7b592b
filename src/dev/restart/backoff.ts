/**
 * Crash-loop backoff after Docker's restart policy: 100 ms, doubling to 1 min; a container that
 * stayed up for `resetAfterMs` starts again from 100 ms. Pure: the caller passes the clock.
 */
export interface BackoffState {
  delayMs: number;
  lastStartAt?: number;
}

export const BACKOFF = { initialMs: 100, maxMs: 60_000, resetAfterMs: 10_000 };

export function nextBackoff(state: BackoffState | undefined, crashedAt: number): BackoffState {
  const stable = state?.lastStartAt !== undefined && crashedAt - state.lastStartAt >= BACKOFF.resetAfterMs;
  const delayMs = !state || stable ? BACKOFF.initialMs : Math.min(state.delayMs * 2, BACKOFF.maxMs);
  return { delayMs, lastStartAt: state?.lastStartAt };
}

export function markStarted(state: BackoffState, at: number): BackoffState {
  return { ...state, lastStartAt: at };
}
