import { statSync } from "node:fs";
import { join } from "node:path";
import { readCreated } from "../fs/journal.js";
import type { FileChange } from "../watch/watcher.js";

/** How long after our write an event for the file is still taken for it. */
export const OWN_WRITE_WINDOW_MS = 120_000;

/**
 * Files a create-stack write just created (a `dev add`'s starter code, built and started by that
 * command) are not code changes: the service would be built a second time. A file is ours only
 * while it is the very file we wrote (same inode, change time and size) and the write is recent;
 * a save that restores the scaffolded content is a new write, and runs.
 */
export function withoutOwnWrites(root: string, changes: FileChange[], now = Date.now()): FileChange[] {
  const created = readCreated(root);
  return changes.filter((c) => {
    const ours = created[c.path];
    if (ours === undefined || c.kind === "delete" || now - ours.at > OWN_WRITE_WINDOW_MS) return true;
    try {
      const st = statSync(join(root, c.path));
      return !(st.ino === ours.ino && st.ctimeMs === ours.ctimeMs && st.mtimeMs === ours.mtimeMs && st.size === ours.size);
    } catch {
      return true;
    }
  });
}
