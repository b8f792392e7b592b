import type { StackError } from "../errors/stack-error.js";
import { runtimeError } from "../errors/stack-error.js";
import { seconds, type ProbeResult, type Readiness } from "./wait-for.js";

/** Ready when every condition is; the first terminal failure of any ends the wait. */
export function allOf(...parts: Readiness[]): Readiness {
  const done = new Set<Readiness>();
  return {
    what: parts.map((p) => p.what).join(" and "),
    intervalMs: Math.min(...parts.map((p) => p.intervalMs)),
    async probe(look): Promise<ProbeResult> {
      for (const p of parts.filter((x) => !done.has(x))) {
        const r = await p.probe(look);
        if (!r.ready && r.failed) return r;
        if (r.ready) done.add(p);
      }
      return done.size === parts.length ? { ready: true } : { ready: false };
    },
    timedOut: (ms) => timeoutOf(parts.find((p) => !done.has(p)) ?? parts[0]!, ms),
  };
}

/**
 * Ready as soon as one condition is (e.g. the app answers on its port, before Docker's next
 * healthcheck says so); a terminal failure of any still ends the wait.
 */
export function firstOf(...parts: Readiness[]): Readiness {
  return {
    what: parts.map((p) => p.what).join(" or "),
    intervalMs: Math.min(...parts.map((p) => p.intervalMs)),
    async probe(look): Promise<ProbeResult> {
      const results = await Promise.all(parts.map((p) => p.probe(look)));
      if (results.some((r) => r.ready)) return { ready: true };
      return results.find((r) => !r.ready && r.failed) ?? { ready: false };
    },
    timedOut: (ms) => timeoutOf(parts[0]!, ms),
  };
}

/**
 * Only the failures of a condition: never ready by itself. Beside a better signal of readiness
 * (the app answering), Docker's verdict still ends the wait when the container exits.
 */
export function failuresOf(part: Readiness): Readiness {
  return {
    what: part.what,
    intervalMs: part.intervalMs,
    async probe(look): Promise<ProbeResult> {
      const r = await part.probe(look);
      return r.ready ? { ready: false } : r;
    },
    timedOut: part.timedOut,
  };
}

function timeoutOf(part: Readiness, ms: number): Promise<StackError> {
  return part.timedOut?.(ms) ?? Promise.resolve(runtimeError("E_WAIT_TIMEOUT", `${part.what}: not ready within ${seconds(ms)}`));
}
