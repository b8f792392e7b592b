import type { PresetRegistry } from "../presets/load-presets.js";
import type { LayerName } from "../presets/preset.js";
import type { StackConfig } from "../stack/stack-config.js";

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
