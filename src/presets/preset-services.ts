import type { PresetRegistry } from "./load-presets.js";

/** The compose services the given presets define (postgres, redis, nginx, jumpbox, ...). */
export function presetServiceNames(presetNames: string[], presets: PresetRegistry): string[] {
  return [
    ...new Set(
      presetNames.flatMap((p) => Object.values(presets.get(p)?.layers ?? {}).flatMap((layer) => Object.keys(layer?.services ?? {}))),
    ),
  ];
}
