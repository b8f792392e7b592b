import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { atomicWriteFile } from "../fs/atomic-write.js";
import { parseEnvFile } from "../render/env-file.js";
import { allocateFreePort } from "../plan/resolve-env.js";

/**
 * Host ports in .env that something else took since scaffolding are moved to free ones, so `up`
 * does not fail on "port is already allocated". Ports our own running containers hold are fine.
 * Returns one message per moved port.
 */
export async function movePortsTaken(root: string, portKeys: string[], ownPorts: ReadonlySet<number>, isFree: (port: number) => Promise<boolean> = portIsFree): Promise<string[]> {
  const file = join(root, ".env");
  let text = await readFile(file, "utf8");
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
  if (moved.length) await atomicWriteFile(file, text, 0o600);
  return moved;
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
