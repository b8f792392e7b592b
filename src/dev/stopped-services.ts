import { readStateJson, writeStateJson } from "../fs/state-dir.js";

const FILE = "stopped.json";

/**
 * Services the user stopped through `dev stop`: the watcher and the crash handling leave them
 * alone until `dev start` (or `dev up` naming them) runs them again.
 */
export async function readStoppedServices(root: string): Promise<Set<string>> {
  const data = await readStateJson<{ services?: unknown }>(root, FILE);
  return new Set(Array.isArray(data?.services) ? data.services.filter((s): s is string => typeof s === "string") : []);
}

export async function markStopped(root: string, services: string[]): Promise<void> {
  const set = await readStoppedServices(root);
  for (const s of services) set.add(s);
  await writeStateJson(root, FILE, { services: [...set].sort() });
}

/** `all` clears the list (the whole stack was started or removed). */
export async function markStarted(root: string, services: string[] | "all"): Promise<void> {
  const set = await readStoppedServices(root);
  if (set.size === 0) return;
  if (services === "all") set.clear();
  else for (const s of services) set.delete(s);
  await writeStateJson(root, FILE, { services: [...set].sort() });
}
