import { request } from "node:http";
import type { Readiness } from "./wait-for.js";

/**
 * The app answers on its published host port. Any response counts (a 404 still means the app is
 * up), and so does a reply that is not HTTP at all. Docker's port proxy accepts connections even
 * while nothing listens inside the container, then hangs up: that does not count. After a restart
 * this is the moment the app serves, usually well before the next healthcheck.
 */
export function portAnswers(port: number, host = "127.0.0.1"): Readiness {
  return { what: `${host}:${port} answering`, intervalMs: 10, probe: async () => ({ ready: await answers(host, port) }) };
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // /health: the templates serve it without logging; any other app answers it too (a 404 counts).
    const req = request({ host, port, path: "/health", method: "GET", timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code?.startsWith("HPE_") === true));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}
