import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runtimeError } from "../errors/stack-error.js";
import { changedFiles } from "../plan/diff-plan.js";
import type { Plan } from "../plan/plan.js";

/**
 * Writes a plan in two phases: every file to a temp file beside its target, then every temp file
 * renamed into place. A failure in the first phase removes the temp files and leaves the project
 * as it was; renames within one filesystem do not fail half-way through a file.
 */
export async function flushPlan(plan: Plan): Promise<string[]> {
  const files = changedFiles(plan);
  const staged: { tmp: string; target: string }[] = [];
  try {
    for (const f of files) {
      const target = join(plan.root, f.path);
      const tmp = join(dirname(target), `.${f.path.split("/").pop()}.create-stack-${randomBytes(4).toString("hex")}`);
      await mkdir(dirname(target), { recursive: true });
      staged.push({ tmp, target });
      await writeFile(tmp, f.content, { mode: f.mode ?? 0o644 });
      // writeFile's mode is filtered by the umask; .env must be 0600 whatever the umask says.
      if (f.mode !== undefined) await chmod(tmp, f.mode);
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw runtimeError("E_WRITE", `could not write the project: ${(err as Error).message}`, "check permissions and free disk space; nothing was changed");
  }
  for (const s of staged) await rename(s.tmp, s.target);
  return files.map((f) => f.path);
}
