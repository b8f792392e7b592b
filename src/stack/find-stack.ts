import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { StackError } from "../errors/stack-error.js";

export const STACK_FILE = "stack.yaml";

/**
 * The project root: the nearest folder, from `start` upward, that holds stack.yaml, or a write
 * journal (a command was killed before stack.yaml landed: the next one completes the write).
 */
export function findStackRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, STACK_FILE)) || existsSync(join(dir, ".create-stack", "journal"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new StackError({
        code: "E_NO_STACK",
        message: `no ${STACK_FILE} in ${resolve(start)} or any folder above it`,
        hint: "run this inside a create-stack project, pass -C DIR, or create one with: create-stack my-app",
      });
    }
    dir = parent;
  }
}
