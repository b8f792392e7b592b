import { randomBytes } from "node:crypto";
import type { EnvEntry } from "./env-entries.js";

export interface ResolvedEnv {
  values: Record<string, string>;
  /** Keys that got a new value in this run (for the summary). */
  filled: string[];
}

export type PortAllocator = (preferred: number, exclude: ReadonlySet<number>) => Promise<number>;

/** A free host port, the preferred one when it is free. get-port is loaded only when needed. */
export const allocateFreePort: PortAllocator = async (preferred, exclude) => {
  const { default: getPort } = await import("get-port");
  return getPort({ port: preferred, exclude: [...exclude], host: "127.0.0.1" });
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
  const extra = theirs.split(":").filter((f) => f && !mine.includes(f) && !/^compose\.(dev|proxy|tools|start-interval)\.yaml$|^compose\.yaml$/.test(f));
  return [...mine, ...extra].join(":");
}
