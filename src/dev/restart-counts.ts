import { readStateJson, writeStateJson } from "../fs/state-dir.js";

/** Restarts made by `dev up` per service, for `dev status` (Docker counts only its own). */
export const RESTARTS_FILE = "restarts.json";

export function restartCounter(root: string): (service: string) => void {
  let counts: Promise<Record<string, number>> | undefined;
  let writing = Promise.resolve();
  return (service) => {
    counts ??= readStateJson<Record<string, number>>(root, RESTARTS_FILE).then((c) => c ?? {});
    writing = writing.then(async () => {
      const c = await counts!;
      c[service] = (c[service] ?? 0) + 1;
      await writeStateJson(root, RESTARTS_FILE, c).catch(() => undefined);
    });
  };
}

/** A new `dev up` starts counting again. */
export async function resetRestartCounts(root: string): Promise<void> {
  await writeStateJson(root, RESTARTS_FILE, {});
}
