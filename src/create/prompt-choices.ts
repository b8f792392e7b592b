import { isStackError } from "../errors/stack-error.js";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import { defaultProxy } from "../presets/stack-proxy.js";
import { validateStack } from "../stack/validate-stack.js";
import { NAME_PATTERN } from "../stack/stack-config.js";
import { buildStackConfig, DEFAULT_PRESETS, type ProxyChoice } from "./build-stack-config.js";

/**
 * What is wrong with a selection, checked as it is made (the same rules as the flags): nothing
 * chosen, two starters wanting one name, a worker without redis.
 */
export function selectionProblem(presets: string[], proxy: ProxyChoice | undefined, registry: PresetRegistry): string | undefined {
  if (presets.length === 0) return "choose at least one preset (space toggles, enter confirms)";
  try {
    validateStack(buildStackConfig({ name: "x", presets, proxy, images: {} }, registry), registry);
    return undefined;
  } catch (err) {
    if (!isStackError(err) && !(err as { errors?: unknown }).errors) throw err;
    const list = (err as { errors?: { message: string; hint?: string }[] }).errors ?? [err as { message: string; hint?: string }];
    return list.map((e) => `${e.message}${e.hint ? ` (${e.hint})` : ""}`).join("; ");
  }
}

/** The folder to create, asked when the command line has none. */
export async function promptDir(): Promise<string> {
  const { input } = await import("@inquirer/prompts");
  return input({
    message: "Project folder (its name becomes the project name)",
    validate: (v) => (NAME_PATTERN.test(v.trim()) ? true : "lower-case letters, digits and dashes, starting with a letter, e.g. my-app"),
  });
}

/** Asks for what the flags left open. Only called on a terminal, never with --yes. */
export async function promptChoices(proxy?: ProxyChoice): Promise<{ presets: string[]; proxy?: ProxyChoice }> {
  const { checkbox, select } = await import("@inquirer/prompts");
  const registry = loadPresets();
  const choices = registry
    .names()
    .filter((n) => registry.get(n)!.kind !== "proxy")
    .map((n) => ({ value: n, name: `${n.padEnd(12)} ${registry.get(n)!.description}`, short: n, checked: DEFAULT_PRESETS.includes(n) }));
  const presets = await checkbox({
    message: "Presets",
    choices,
    pageSize: choices.length,
    validate: (chosen) => selectionProblem(chosen.map((c) => c.value), proxy ?? "none", registry) ?? true,
  });
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
