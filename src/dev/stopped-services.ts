import { join } from "node:path";
import { readStateText, STATE_DIR, writeStateJson } from "../fs/state-dir.js";

/**
 * Services stopped on purpose through the tool (`dev stop SERVICE`, `dev down`), kept in
 * .create-stack/stopped.json as `{ "services": [...] }`, so a watching `dev up` (another process)
 * leaves them stopped rather than bringing them back. Starting them through the tool (`dev up`,
 * `dev start`) takes them off the list.
 */
export const STOPPED_FILE = join(STATE_DIR, "stopped.json");

/** Read at the moment of deciding: another process may have written it a moment ago. */
export function readStoppedServices(root: string): Set<string> {
  try {
    const data = JSON.parse(readStateText(root, "stopped.json") ?? "{}") as { services?: unknown };
    return new Set(Array.isArray(data.services) ? data.services.filter((s): s is string => typeof s === "string") : []);
  } catch {
    // Missing or unreadable: nothing was stopped on purpose (a watcher that restarts one service
    // too many is recoverable; one that never restarts would not be).
    return new Set();
  }
}

/** Adds (stopped) or removes (started) services; writes nothing when the list does not change. */
export async function recordStopped(root: string, services: string[], stopped: boolean): Promise<void> {
  const current = readStoppedServices(root);
  const next = new Set(current);
  for (const s of services) {
    if (stopped) next.add(s);
    else next.delete(s);
  }
  if (next.size === current.size && [...next].every((s) => current.has(s))) return;
  await writeStateJson(root, "stopped.json", { services: [...next].sort() });
}

export function markStopped(root: string, services: string[]): Promise<void> {
  return recordStopped(root, services, true);
}

/** `all` clears the list (the whole stack was started or removed). */
export function markStarted(root: string, services: string[] | "all"): Promise<void> {
  return recordStopped(root, services === "all" ? [...readStoppedServices(root)] : services, false);
}
