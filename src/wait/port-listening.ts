import { request } from "node:http";
import type { Readiness } from "./wait-for.js";

/** A look that neither connects nor is refused within this finds the address out of reach. */
const REACH_TIMEOUT_MS = 1000;

/**
 * What one look found: the app answered (any HTTP answer, or bytes that are not HTTP: something
 * serves there), the connection was refused or accepted without an answer yet (the port is not
 * served yet: a launcher may listen before its app is loaded, and requests then wait in its
 * queue), or nothing answered at all (no route to the address).
 */
export type Look = "answers" | "not-yet" | "unreachable";

/**
 * Whether the host reaches containers' own addresses (Linux: the bridge network is the host's;
 * Docker Desktop's VM and a remote engine: not). Learnt from the first container that answers at
 * its address, kept for the process: every container of one engine is reached the same way.
 */
let reachable: boolean | undefined;

/**
 * The app answering at the container's own address: the same request as `fallback` (the
 * published port asked over HTTP), without the trip through Docker's port proxy, which accepts
 * on a published port whether or not the app listens behind it and costs a process hop per look:
 * twenty services starting on two cores are asked hundreds of times. Until an answer there shows
 * the address is reached, both are asked and either answering is enough; an address refused
 * while the published port answers is someone else's (a remote engine's network, routed here to
 * another host): the published port it is, as where nothing answers at all.
 */
export function portListening(address: string, port: number, fallback: Readiness, look: (host: string, port: number) => Promise<Look> = askAt): Readiness {
  // This container's address, until a look finds it out of reach: then its published port.
  let direct = reachable !== false;
  return {
    what: `${address}:${port} answering`,
    intervalMs: fallback.intervalMs,
    async probe() {
      if (!direct || reachable === false) return fallback.probe();
      if (reachable === true) {
        const found = await look(address, port);
        if (found !== "unreachable") return { ready: found === "answers" };
        direct = false;
        return fallback.probe();
      }
      const [found, other] = await Promise.all([look(address, port), fallback.probe()]);
      if (found === "answers") reachable = true;
      else if (found === "unreachable" || other.ready) {
        direct = false;
        if (found === "unreachable") reachable ??= false;
      }
      return found === "answers" ? { ready: true } : other;
    },
    timedOut: fallback.timedOut,
  };
}

/** GET /health (the templates serve it without logging; any other app answers it too, a 404 counts). */
function askAt(host: string, port: number): Promise<Look> {
  return new Promise((resolve) => {
    let connected = false;
    const req = request({ host, port, path: "/health", method: "GET", timeout: REACH_TIMEOUT_MS, agent: false }, (res) => {
      res.resume();
      resolve("answers");
    });
    req.on("socket", (socket) => socket.once("connect", () => (connected = true)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code?.startsWith("HPE_")) resolve("answers");
      else resolve(connected || err.code === "ECONNREFUSED" || err.code === "ECONNRESET" ? "not-yet" : "unreachable");
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Forgets what was learnt about reaching container addresses (tests). */
export function resetReachability(): void {
  reachable = undefined;
}
