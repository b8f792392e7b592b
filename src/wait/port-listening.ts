import { lookAt, type Look } from "./port-answers.js";
import type { Readiness } from "./wait-for.js";

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
export function portListening(address: string, port: number, fallback: Readiness, look: (host: string, port: number) => Promise<Look> = lookAt): Readiness {
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
      // Both asked at once; the published port answering is not kept waiting on a look at an
      // address that may be out of reach (Docker Desktop: up to the look's second), which goes on
      // by itself and still teaches what it finds.
      const looked = look(address, port).then((found) => {
        if (found === "answers") reachable = true;
        else if (found === "unreachable") {
          direct = false;
          reachable ??= false;
        }
        return found;
      });
      const other = await fallback.probe();
      if (other.ready) {
        direct = false;
        return other;
      }
      return (await looked) === "answers" ? { ready: true } : other;
    },
    timedOut: fallback.timedOut,
  };
}

/** Forgets what was learnt about reaching container addresses (tests). */
export function resetReachability(): void {
  reachable = undefined;
}
