/**
 * Keeps a stream subscription alive: `open` connects and resolves when the stream ends or fails;
 * then it reconnects with backoff (100 ms doubling to 5 s) and calls `onReconnect` once connected
 * again, so the caller can re-list what it may have missed. Resolves when `signal` aborts.
 */
export async function keepSubscribed(
  open: (onConnected: () => void) => Promise<void>,
  signal: AbortSignal,
  onReconnect?: () => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  let delay = 100;
  let connectedBefore = false;
  while (!signal.aborted) {
    try {
      await open(() => {
        if (connectedBefore) onReconnect?.();
        connectedBefore = true;
        delay = 100;
      });
    } catch {
      // The daemon went away (restart, upgrade): try again, more slowly each time.
    }
    if (signal.aborted) break;
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}
