import { acquireProjectLock, lockHolder, type ReleaseLock } from "../fs/project-lock.js";

/**
 * One operation at a time per service, whoever asks: `dev restart|stop|start|build SERVICE` from
 * any terminal and the dashboard's buttons take the same lock, a file per service in the state
 * folder (the project lock's mechanism: O_EXCL, the holder's pid, a dead holder's lock taken over).
 * A second operation on the same service waits for the first and says for what; operations on
 * different services run side by side.
 */
export interface ServiceLockOptions {
  /** Called once per service whose lock another operation holds, with what it is doing. */
  onWait?: (service: string, holder: string) => void;
  timeoutMs?: number;
}

/** The lock file of a service (names are validated: letters, digits, "-", "_"). */
export const serviceLockFile = (service: string) => `service-${service}.lock`;

/** Runs `fn` holding the lock of every named service, taken in name order (no two waiters ever deadlock). */
export async function withServiceLocks<T>(root: string, services: string[], what: string, fn: () => Promise<T>, opts: ServiceLockOptions = {}): Promise<T> {
  const releases: ReleaseLock[] = [];
  try {
    for (const service of [...new Set(services)].sort()) {
      releases.push(
        await acquireProjectLock(root, what, {
          file: serviceLockFile(service),
          guards: `acting on ${service}`,
          timeoutMs: opts.timeoutMs,
          onWait: (holder) => opts.onWait?.(service, holder),
        }),
      );
    }
    return await fn();
  } finally {
    for (const release of releases.reverse()) await release();
  }
}

/**
 * The operation now acting on a service (`dev restart api`, `dashboard restart api`), from any
 * process, this one included: what it stops is its doing, not a crash.
 */
export function serviceLockHolder(root: string, service: string): string | undefined {
  return lockHolder(root, serviceLockFile(service));
}
