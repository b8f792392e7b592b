import { acquireProjectLock } from "./project-lock.js";
import { recoverProject, type Recovery } from "./journal.js";

/**
 * A writing command's critical section: under the project lock, first finish or undo what a
 * killed command left (recoverProject), then `fn` re-reads the project, plans and flushes. Two
 * commands never plan on the same version of stack.yaml, so neither loses the other's edit.
 */
export async function withProjectWrite<T>(root: string, what: string, fn: (recovery: Recovery) => Promise<T>, opts: { onWait?: (holder: string) => void; signal?: AbortSignal } = {}): Promise<T> {
  const onWait = opts.onWait ?? ((holder: string) => process.stderr.write(`waiting for another command writing this project: ${holder}\n`));
  const release = await acquireProjectLock(root, what, { onWait, signal: opts.signal });
  try {
    return await fn(await recoverProject(root));
  } finally {
    await release();
  }
}
