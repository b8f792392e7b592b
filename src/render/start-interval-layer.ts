import type { LayerName } from "../presets/preset.js";
import { durationSeconds } from "../stack/duration.js";
import type { ComposeFile } from "./compose-layers.js";

/**
 * An optional compose layer with one key per healthchecked service: `healthcheck.start_interval`.
 * While a container starts (its start period, until its first healthy check), Docker then checks
 * it every START_INTERVAL instead of every `interval`, so a plain `docker compose up` starts each
 * service as soon as what it depends on is healthy, much as `dev up` does with its own probes.
 *
 * Only compose v2 from 2.24.0 on, on Docker Engine 25 or later (API 1.44), honours the key:
 * docker-compose v1 rejects it, and compose v2 refuses to create any container with it on an older
 * engine. So the key lives in this separate file, always written, and .env's COMPOSE_FILE lists
 * it only where it works (see plan/start-interval-listing.ts); every other layer stays valid for
 * v1 and v2 alike.
 */
export const START_INTERVAL_FILE = "compose.start-interval.yaml";

/**
 * A quarter of a second: twelve times the default 3 s interval, while one check (an exec in the
 * container, tens of milliseconds of engine CPU) every 250 ms keeps a stack of starting services
 * from crowding a small machine. Only during the start period: afterwards `interval` applies.
 */
export const START_INTERVAL = "250ms";
const START_INTERVAL_MS = 250;

/**
 * The layer for a stack's other layers: every service whose healthcheck, as the layers merge it,
 * runs a test with a start period, and checks less often than START_INTERVAL.
 */
export function buildStartIntervalLayer(layers: ReadonlyMap<LayerName, ComposeFile>): ComposeFile {
  const merged = new Map<string, Record<string, unknown>>();
  for (const layer of layers.values()) {
    for (const [name, def] of Object.entries(layer.services)) {
      const hc = def.healthcheck as Record<string, unknown> | undefined;
      if (hc) merged.set(name, { ...merged.get(name), ...hc });
    }
  }
  const services: ComposeFile["services"] = {};
  for (const [name, hc] of merged) {
    if (!checksOften(hc)) continue;
    services[name] = { healthcheck: { start_interval: START_INTERVAL } };
  }
  return { services };
}

function checksOften(hc: Record<string, unknown>): boolean {
  const test = hc.test;
  const none = test === undefined || (Array.isArray(test) ? test[0] === "NONE" : test === "NONE");
  if (none || hc.disable === true || hc.disable === "true") return false;
  // Docker applies start_interval only within the start period; 0 (or none) means no start period.
  if (!((durationSeconds(hc.start_period as string | undefined) ?? 0) > 0)) return false;
  // An interval as short already: the key would change nothing (Docker's default interval is 30 s).
  const interval = hc.interval === undefined ? 30 : durationSecondsExact(hc.interval as string);
  return interval * 1000 > START_INTERVAL_MS;
}

/** Seconds in a compose duration, unrounded ("100ms" is 0.1). */
function durationSecondsExact(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(ms|us|s|m|h)/g)) total += Number(n) * ({ us: 1e-6, ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[unit!]!;
  return total;
}
