import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnvFile } from "./parse-env-file.js";

/** The project's .env as values; empty when there is none yet. Read when needed: ports can move. */
export async function readProjectEnv(root: string): Promise<Map<string, string>> {
  return parseEnvFile(await readFile(join(root, ".env"), "utf8").catch(() => ""));
}
