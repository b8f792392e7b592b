import { randomBytes } from "node:crypto";
import type { EnvEntry } from "./env-entries.js";

export interface ResolvedEnv {
  values: Record<string, string>;
  /** Keys that got a new value in this run (for the summary). */
  filled: string[];
}

export type PortAllocator = (preferred: number, exclude: ReadonlySet<number>) => Promise<number>;

/** How far above the preferred port a free one is looked for before any free port will do. */
export const PORT_SEARCH_SPAN = 100;

/**
 * The host ports to try, in order: the preferred one, then the ones just above it (8000, 8001,
 * ...), so a port that is taken, or already another service's, moves to a predictable neighbour.
 */
export function portCandidates(preferred: number, span = PORT_SEARCH_SPAN): number[] {
  const last = Math.min(preferred + span, 65_535);
  return Array.from({ length: Math.max(last - preferred + 1, 0) }, (_, i) => preferred + i).filter((p) => p >= 1);
}

/**
 * A free host port on 127.0.0.1: the preferred one, else the first free one just above it (the
 * same choice for a new service and for a port `dev up` finds taken); only when all of those are
 * taken, any free port. get-port is loaded only when needed.
 */
export const allocateFreePort: PortAllocator = async (preferred, exclude) => {
  const { default: getPort } = await import("get-port");
  return getPort({ port: portCandidates(preferred), exclude: [...exclude], host: "127.0.0.1" });
};

/** A per-project secret: 32 random bytes, URL-safe, so it can sit inside connection URLs as is. */
export function generateSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Fills every entry the existing .env lacks: fixed values, fresh secrets, free host ports.
 * Values already in .env are kept, so re-running never rotates a secret or moves a port.
 */
export async function resolveEnv(
  entries: EnvEntry[],
  existing: ReadonlyMap<string, string>,
  allocatePort: PortAllocator = allocateFreePort,
  secret: () => string = generateSecret,
): Promise<ResolvedEnv> {
  const values: Record<string, string> = {};
  const filled: string[] = [];
  const taken = new Set<number>();
  for (const e of entries) {
    const have = existing.get(e.key);
    if (e.spec.port !== undefined && have) taken.add(Number(have));
  }
  for (const e of entries) {
    const have = existing.get(e.key);
    if (have !== undefined) {
      values[e.key] = e.managed && e.spec.value !== undefined ? mergeList(e.spec.value, have) : have;
      continue;
    }
    if (e.spec.secret) values[e.key] = secret();
    else if (e.spec.port !== undefined) {
      const port = await allocatePort(e.spec.port, taken);
      taken.add(port);
      values[e.key] = String(port);
    } else values[e.key] = e.spec.value ?? "";
    filled.push(e.key);
  }
  return { values, filled };
}

/**
 * A managed list such as COMPOSE_FILE: ours, in our order, then whatever the user added (their own
 * layers). Files we no longer generate are dropped only if they are ours by name.
 */
function mergeList(ours: string, theirs: string): string {
  const mine = ours.split(":");
  const extra = theirs.split(":").filter((f) => f && !mine.includes(f) && !/^compose\.(dev|proxy|tools|start-interval|watch)\.yaml$|^compose\.yaml$/.test(f));
  return [...mine, ...extra].join(":");
}
