import { loadPresets } from "../presets/load-presets.js";
import { defaultProxy } from "../presets/stack-proxy.js";
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
  const proxies = registry.names("proxy");
  const width = Math.max(5, ...proxies.map((p) => p.length)) + 2;
  const chosenProxy =
    proxy ??
    (await select<ProxyChoice>({
      message: "Reverse proxy",
      default: defaultProxy(registry),
      choices: [
        ...proxies.map((p) => ({ value: p, name: `${p.padEnd(width)}${registry.get(p)!.proxy?.summary ?? registry.get(p)!.description}` })),
        { value: "none", name: "none" },
      ],
    }));
  return { presets, proxy: chosenProxy };
}
