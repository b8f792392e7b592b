import { progressLine } from "./compose-output.js";

/**
 * Progress while compose builds and pulls: its step lines, prefixed, as they come; and when it is
 * quiet for a while (a long pip install), a line saying it still works and for how long.
 */
export function buildProgress(log: (line: string) => void, opts: { quietMs?: number } = {}): { onLine: (line: string) => void; stop: () => void } {
  const t0 = Date.now();
  let lastShown = Date.now();
  const quietMs = opts.quietMs ?? 10_000;
  const timer = setInterval(() => {
    if (Date.now() - lastShown < quietMs) return;
    lastShown = Date.now();
    log(`  ... still working (${Math.round((Date.now() - t0) / 1000)} s)`);
  }, 1000);
  timer.unref();
  return {
    onLine: (line) => {
      const text = progressLine(line);
      if (!text) return;
      lastShown = Date.now();
      log(`  | ${text}`);
    },
    stop: () => clearInterval(timer),
  };
}
