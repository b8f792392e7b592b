import type { ComposeCli } from "./compose-cli.js";
import type { Engine } from "./engine.js";

/**
 * Whether plain compose on this machine honours `healthcheck.start_interval`:
 * - docker-compose v1 rejects the key (its schema predates it);
 * - compose v2 before 2.24.0 ignores it;
 * - compose v2 from 2.24.0 on passes it to the engine, and refuses to create the container when
 *   the engine's API is older than 1.44 (Docker 25): "can't set healthcheck.start_interval as
 *   feature require Docker Engine v25 or later" (pkg/compose/convert.go, ToMobyHealthCheck).
 */
export function honoursStartInterval(compose: Pick<ComposeCli, "kind" | "version">, engineApiVersion: string): boolean {
  return compose.kind === "v2" && atLeast(compose.version, [2, 24, 0]) && atLeast(engineApiVersion, [1, 44]);
}

/**
 * The same, asked of this machine: the compose CLI (`docker compose version`) and the engine's API
 * version. No compose, no engine, or an answer we cannot read: not supported (the layer stays out).
 */
export async function detectStartIntervalSupport(compose: () => Promise<Pick<ComposeCli, "kind" | "version">>, engine: Pick<Engine, "apiVersion">): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ask = async () => {
    const cli = await compose();
    return cli.kind === "v2" && honoursStartInterval(cli, await engine.apiVersion());
  };
  // An engine that does not answer (a remote DOCKER_HOST gone quiet) must not hold up the command.
  const quiet = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000)));
  try {
    return await Promise.race([ask(), quiet]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** "2.24.1", "2.24.0-desktop.1", "1.44": compared part by part; anything unreadable is too old. */
function atLeast(version: string, min: number[]): boolean {
  const parts = /^v?(\d+(?:\.\d+)*)/.exec(version.trim())?.[1]?.split(".").map(Number);
  if (!parts) return false;
  for (let i = 0; i < min.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== min[i]) return have > min[i]!;
  }
  return true;
}
