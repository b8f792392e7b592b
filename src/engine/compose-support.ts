import type { ComposeCli } from "./compose-cli.js";
import type { Engine } from "./engine.js";

/** What plain compose on this machine understands of our optional layers. */
export interface ComposeSupport {
  /** `healthcheck.start_interval` (compose.start-interval.yaml). */
  startInterval: boolean;
  /** `develop.watch` with the `!override` tag (compose.watch.yaml). */
  watch: boolean;
}

export const NO_SUPPORT: ComposeSupport = { startInterval: false, watch: false };

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
 * Whether plain compose can run the watch layer: `develop.watch` came with compose v2.22, and the
 * layer takes the dev layer's source mounts out with `!override`, which came with v2.24.0 (before
 * it, the tag is an error). docker-compose v1 knows neither. The engine plays no part.
 */
export function understandsWatchLayer(compose: Pick<ComposeCli, "kind" | "version">): boolean {
  return compose.kind === "v2" && atLeast(compose.version, [2, 24, 0]);
}

/**
 * The same, asked of this machine: the compose CLI (`docker compose version`) and the engine's API
 * version. No compose, no engine, or an answer we cannot read: nothing supported (the layers stay
 * out of COMPOSE_FILE).
 */
export async function detectComposeSupport(compose: () => Promise<Pick<ComposeCli, "kind" | "version">>, engine: Pick<Engine, "apiVersion">): Promise<ComposeSupport> {
  let timer: NodeJS.Timeout | undefined;
  const ask = async (): Promise<ComposeSupport> => {
    const cli = await compose();
    if (cli.kind !== "v2") return NO_SUPPORT;
    return { startInterval: honoursStartInterval(cli, await engine.apiVersion()), watch: understandsWatchLayer(cli) };
  };
  // An engine that does not answer (a remote DOCKER_HOST gone quiet) must not hold up the command.
  const quiet = new Promise<ComposeSupport>((resolve) => (timer = setTimeout(() => resolve(NO_SUPPORT), 5000)));
  try {
    return await Promise.race([ask(), quiet]);
  } catch {
    return NO_SUPPORT;
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
