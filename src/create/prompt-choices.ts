import { loadPresets } from "../presets/load-presets.js";
import { DEFAULT_PRESETS, type ProxyChoice } from "./build-stack-config.js";

/** Asks for what the flags left open. Only called on a terminal, never with --yes. */
export async function promptChoices(proxy?: ProxyChoice): Promise<{ presets: string[]; proxy?: ProxyChoice }> {
  const { checkbox, select } = await import("@inquirer/prompts");
  const registry = loadPresets();
  const choices = registry
    .names()
    .filter((n) => registry.get(n)!.kind !== "proxy")
    .map((n) => ({ value: n, name: `${n.padEnd(12)} ${registry.get(n)!.description}`, short: n, checked: DEFAULT_PRESETS.includes(n) }));
  const presets = await checkbox({ message: "Presets", choices, pageSize: choices.length });
  const chosenProxy =
    proxy ??
    (await select<ProxyChoice>({
      message: "Reverse proxy",
      choices: [
        { value: "traefik", name: "traefik  routing by container labels" },
        { value: "nginx", name: "nginx    generated config, one location per route" },
        { value: "none", name: "none" },
      ],
    }));
  return { presets, proxy: chosenProxy };
}
