import { connect } from "node:net";
import type { Readiness } from "./wait-for.js";

/** A look that neither connects nor is refused within this finds the address out of reach. */
const REACH_TIMEOUT_MS = 1000;

/** What one connection attempt found. */
export type Look = "listening" | "refused" | "unreachable";

/**
 * Whether the host reaches containers' own addresses (Linux: the bridge network is the host's;
 * Docker Desktop's VM and a remote engine: not). Learnt from the first look that tells, kept for
 * the process: every container of one engine answers the same.
 */
let reachable: boolean | undefined;

/**
 * The app's port listening, asked at the container's own address: a bare TCP connection, which
 * the container's kernel accepts or refuses at once. No HTTP request and no trip through
 * Docker's port proxy, which accepts on a published port whether or not the app listens behind
 * it (so asking there needs a whole request) and costs a process hop per look: twenty services
 * starting on two cores are asked hundreds of times. Where the host cannot reach container
 * addresses, `fallback` (the published port asked over HTTP) is asked instead; until that is
 * known, both are, and either answering is enough.
 */
export function portListening(address: string, port: number, fallback: Readiness, look: (host: string, port: number) => Promise<Look> = connectTo): Readiness {
  // This container's address, until a look finds it out of reach (a network the host has no
  // route to): then its published port, as where no container address is reached.
  let direct = reachable !== false;
  return {
    what: `${address}:${port} listening`,
    intervalMs: fallback.intervalMs,
    async probe() {
      if (!direct || reachable === false) return fallback.probe();
      if (reachable === true) {
        const found = await look(address, port);
        if (found !== "unreachable") return { ready: found === "listening" };
        direct = false;
        return fallback.probe();
      }
      const [found, other] = await Promise.all([look(address, port), fallback.probe()]);
      if (found === "unreachable") {
        direct = false;
        reachable ??= false;
      } else reachable = true;
      return found === "listening" ? { ready: true } : other;
    },
    timedOut: fallback.timedOut,
  };
}

function connectTo(host: string, port: number): Promise<Look> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: Look) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(REACH_TIMEOUT_MS, () => done("unreachable"));
    socket.once("connect", () => done("listening"));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED" || err.code === "ECONNRESET" ? "refused" : "unreachable"));
  });
}

/** Forgets what was learnt about reaching container addresses (tests). */
export function resetReachability(): void {
  reachable = undefined;
}
