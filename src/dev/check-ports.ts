import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { contentHash } from "../fs/content-hash.js";
import { flushPlan } from "../fs/flush-plan.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import { allocateFreePort } from "../plan/resolve-env.js";
import type { Project } from "../stack/load-project.js";

/** The .env keys of the stack's host ports: its services' and its presets'. */
export function portKeys(project: Project): string[] {
  const keys = project.services.filter((s) => s.port !== undefined).map((s) => `${s.envName}_PORT`);
  for (const name of project.parsed.config.presets) {
    for (const [key, spec] of Object.entries(project.presets.get(name)?.env ?? {})) if (spec.port !== undefined) keys.push(key);
  }
  return keys;
}

/**
 * Host ports in .env that something else took since scaffolding are moved to free ones, so `up`
 * does not fail on "port is already allocated". Ports our own running containers hold are fine.
 * The new .env is a plan like any other write (guarded by the hash it was read with); the caller
 * holds the project lock. Returns one message per moved port.
 */
export async function movePortsTaken(root: string, portKeys: string[], ownPorts: ReadonlySet<number>, isFree: (port: number) => Promise<boolean> = portIsFree): Promise<string[]> {
  const original = await readFile(join(root, ".env"), "utf8");
  let text = original;
  const env = parseEnvFile(text);
  const used = new Set([...env.entries()].filter(([k]) => portKeys.includes(k)).map(([, v]) => Number(v)));
  const moved: string[] = [];
  for (const key of portKeys) {
    const port = Number(env.get(key));
    if (!port || ownPorts.has(port) || (await isFree(port))) continue;
    const next = await allocateFreePort(port, used);
    used.add(next);
    text = text.replace(new RegExp(`^${key}=.*$`, "m"), `${key}=${next}`);
    moved.push(`${key}: port ${port} is taken by another program; using ${next} (updated .env)`);
  }
  if (moved.length) {
    await flushPlan({ root, notes: moved, files: [{ path: ".env", content: text, owner: "merge", mode: 0o600, action: "update", base: contentHash(original) }] });
  }
  return moved;
}

export async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
