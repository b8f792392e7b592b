import type { PresetRegistry } from "./load-presets.js";
import type { Preset } from "./preset.js";

/** The stack's proxy preset (kind: proxy), if it has one. A stack has at most one. */
export function proxyPresetOf(presetNames: readonly string[], presets: PresetRegistry): Preset | undefined {
  return presetNames.map((p) => presets.get(p)).find((p) => p?.kind === "proxy");
}

/** The compose service that runs the proxy: the one its proxy layer defines. */
export function proxyServiceOf(preset: Preset): string | undefined {
  return Object.keys(preset.layers.proxy?.services ?? {})[0];
}

/** The proxy a new stack gets when none is chosen: the one marked `proxy.default`. */
export function defaultProxy(presets: PresetRegistry): string | undefined {
  return presets.names("proxy").find((n) => presets.get(n)!.proxy?.default);
}
