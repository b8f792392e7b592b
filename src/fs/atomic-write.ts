import { randomBytes } from "node:crypto";
import { chmod, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Writes one file through a temp file beside it and a rename: readers never see half a file. */
export async function atomicWriteFile(target: string, content: string, mode = 0o644): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.create-stack-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
