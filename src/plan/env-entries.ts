import type { PresetRegistry } from "../presets/load-presets.js";
import type { EnvSpec } from "../presets/preset.js";
import { LAYER_FILES, layersOf } from "../render/layer-files.js";
import { buildLayers } from "../render/compose-layers.js";
import { START_INTERVAL_FILE } from "../render/start-interval-layer.js";
import { WATCH_FILE } from "../render/watch-layer.js";
import type { OptionalLayers } from "./optional-layer-listing.js";
import type { StackConfig } from "../stack/stack-config.js";
import type { ResolvedService } from "../stack/resolve-services.js";

/** One line .env needs, and how to fill it when it is missing. */
export interface EnvEntry {
  key: string;
  spec: EnvSpec;
  /** Heading it is listed under in .env. */
  group: string;
  /** Rewritten in an existing .env when it differs (compose settings we manage). */
  managed?: boolean;
}

/** `optionalLayers`: what COMPOSE_FILE lists after the other layers (see plan/optional-layer-listing.ts). */
export function collectEnvEntries(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[], opts: { optionalLayers?: OptionalLayers } = {}): EnvEntry[] {
  const optional = opts.optionalLayers;
  // An adopted project's own files come first; ours after them, so theirs stay the base.
  const files = stack.compose
    ? [...stack.compose, ...adoptedLayers(stack, presets, services)]
    : [...layersOf(stack, presets).map((l) => LAYER_FILES[l]), ...(optional?.startInterval ? [START_INTERVAL_FILE] : []), ...(optional?.watch ? [WATCH_FILE] : [])];
  const entries: EnvEntry[] = [
    { key: "COMPOSE_PROJECT_NAME", spec: { value: stack.name }, group: "compose (plain `docker compose` reads these)" },
    { key: "COMPOSE_FILE", spec: { value: files.join(":") }, group: "compose (plain `docker compose` reads these)", managed: true },
    { key: "COMPOSE_PATH_SEPARATOR", spec: { value: ":" }, group: "compose (plain `docker compose` reads these)" },
  ];
  for (const name of stack.presets) {
    const preset = presets.get(name);
    for (const [key, spec] of Object.entries(preset?.env ?? {})) entries.push({ key, spec, group: name });
  }
  for (const svc of services) {
    if (svc.port !== undefined && !svc.adopted) {
      entries.push({ key: `${svc.envName}_PORT`, spec: { port: svc.port, description: `host port of ${svc.name}` }, group: "service host ports" });
    }
  }
  // Two presets may ask for the same key (PROXY_PORT): the first one wins.
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.key) && seen.add(e.key));
}

/**
 * Our layers an adopted project's COMPOSE_FILE lists: only those with something in them, after the
 * project's own files. docker-compose v1 reads a file whose services are empty as a version 1
 * file and refuses to merge it with theirs.
 */
function adoptedLayers(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): string[] {
  const layers = buildLayers(stack, presets, services);
  return [...layers].filter(([, f]) => Object.keys(f.services).length > 0).map(([name]) => LAYER_FILES[name]);
}
