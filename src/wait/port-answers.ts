import { request } from "node:http";
import type { Readiness } from "./wait-for.js";

/** A look that neither connects nor is refused within this finds the address out of reach. */
const LOOK_TIMEOUT_MS = 1000;

/**
 * What one look found: the app answered (any HTTP answer, a 404 included, or bytes that are not
 * HTTP: something serves there), the connection was refused or accepted without an answer yet
 * (the port is not served yet: Docker's port proxy accepts while nothing listens inside the
 * container, then hangs up; a launcher may listen before its app is loaded, and requests then
 * wait in its queue), or nothing answered at all (no route to the address).
 */
export type Look = "answers" | "not-yet" | "unreachable";

/**
 * The app answers on its published host port. After a restart this is the moment the app serves,
 * usually well before the next healthcheck.
 */
export function portAnswers(port: number, host = "127.0.0.1"): Readiness {
  return { what: `${host}:${port} answering`, intervalMs: 10, probe: async () => ({ ready: (await lookAt(host, port)) === "answers" }) };
}

/** One GET /health (the templates serve it without logging; any other app answers it too). */
export function lookAt(host: string, port: number): Promise<Look> {
  return new Promise((resolve) => {
    let connected = false;
    const req = request({ host, port, path: "/health", method: "GET", timeout: LOOK_TIMEOUT_MS, agent: false }, (res) => {
      res.resume();
      resolve("answers");
    });
    req.on("socket", (socket) => socket.once("connect", () => (connected = true)));
    req.on("error", (err: NodeJS.ErrnoException) => resolve(lookOfError(err.code, connected)));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/**
 * A look that failed: bytes that are not HTTP are an answer; a connection made, refused or reset
 * is a port not served yet; no connection at all (timed out, no route) is an address out of reach.
 */
export function lookOfError(code: string | undefined, connected: boolean): Look {
  if (code?.startsWith("HPE_")) return "answers";
  return connected || code === "ECONNREFUSED" || code === "ECONNRESET" ? "not-yet" : "unreachable";
}
