import { request } from "node:http";

/**
 * Resolves once the app answers on its published host port. Any response counts (a 404 still
 * means the app is up), and so does a reply that is not HTTP at all. Docker's port proxy accepts
 * connections even while nothing listens inside the container, then hangs up: that does not count.
 * After a restart this is the moment the app serves, usually well before the next healthcheck.
 */
export async function waitForPort(port: number, opts: { host?: string; timeoutMs: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && !opts.signal?.aborted) {
    if (await answers(opts.host ?? "127.0.0.1", port)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // /health: the templates serve it without logging; any other app answers it too (a 404 counts).
    const req = request({ host, port, path: "/health", method: "GET", timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code === "HPE_INVALID_CONSTANT" || err.code?.startsWith("HPE_") === true));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}
