export interface SubscriptionHooks {
  /** Connected again after a drop: re-list what may have been missed. */
  onReconnect?: () => void;
  /** The stream dropped after being connected: the engine is away until onReconnect. */
  onDisconnect?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps a stream subscription alive: `open` connects and resolves when the stream ends or fails;
 * then it reconnects with backoff (100 ms doubling to 5 s) and calls `onReconnect` once connected
 * again, so the caller can re-list what it may have missed. Resolves when `signal` aborts.
 */
export async function keepSubscribed(open: (onConnected: () => void) => Promise<void>, signal: AbortSignal, hooks: SubscriptionHooks = {}): Promise<void> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delay = 100;
  let connectedBefore = false;
  let connected = false;
  while (!signal.aborted) {
    try {
      await open(() => {
        if (connectedBefore) hooks.onReconnect?.();
        connectedBefore = true;
        connected = true;
        delay = 100;
      });
    } catch {
      // The daemon went away (restart, upgrade): try again, more slowly each time.
    }
    if (signal.aborted) break;
    if (connected) hooks.onDisconnect?.();
    connected = false;
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}
