import type { PresetRegistry } from "../presets/load-presets.js";
import type { EnvSpec, LayerName } from "../presets/preset.js";
import type { StackConfig } from "../stack/stack-config.js";
import type { ResolvedService } from "./resolve-services.js";

/** One line .env needs, and how to fill it when it is missing. */
export interface EnvEntry {
  key: string;
  spec: EnvSpec;
  /** Heading it is listed under in .env. */
  group: string;
  /** Rewritten in an existing .env when it differs (compose settings we manage). */
  managed?: boolean;
}

export const LAYER_FILES: Record<LayerName, string> = {
  base: "compose.yaml",
  dev: "compose.dev.yaml",
  proxy: "compose.proxy.yaml",
  tools: "compose.tools.yaml",
};

/** The compose layers this stack has, in load order. */
export function layersOf(stack: StackConfig, presets: PresetRegistry): LayerName[] {
  const kinds = new Set(stack.presets.map((p) => presets.get(p)?.kind));
  const layers: LayerName[] = ["base", "dev"];
  if (kinds.has("proxy")) layers.push("proxy");
  if (kinds.has("tool")) layers.push("tools");
  return layers;
}

export function collectEnvEntries(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): EnvEntry[] {
  const files = layersOf(stack, presets).map((l) => LAYER_FILES[l]);
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
    if (svc.port !== undefined) {
      entries.push({ key: `${svc.envName}_PORT`, spec: { port: svc.port, description: `host port of ${svc.name}` }, group: "service host ports" });
    }
  }
  // Two presets may ask for the same key (PROXY_PORT): the first one wins.
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.key) && seen.add(e.key));
}
