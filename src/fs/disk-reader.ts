import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileReader } from "./plan.js";

/** Reads project files on demand, once each. */
export function diskReader(root: string): FileReader {
  const cache = new Map<string, string | undefined>();
  return {
    read(path) {
      if (!cache.has(path)) {
        try {
          cache.set(path, readFileSync(join(root, path), "utf8"));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
          cache.set(path, undefined);
        }
      }
      return cache.get(path);
    },
  };
}

/** An in-memory project, for tests and golden files. */
export function memoryReader(files: Record<string, string> = {}): FileReader {
  return { read: (path) => files[path] };
}
