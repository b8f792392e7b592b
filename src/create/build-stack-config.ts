import { StackError } from "../errors/stack-error.js";
import { didYouMean } from "../errors/closest-name.js";
import type { PresetRegistry } from "../presets/load-presets.js";
import { defaultProxy } from "../presets/stack-proxy.js";
import { DEFAULT_HEALTH, NAME_PATTERN, type ServiceConfig, type StackConfig } from "../stack/stack-config.js";

/** The default stack; its proxy is the proxy preset marked `proxy.default`. */
export const DEFAULT_PRESETS = ["python-http", "postgres", "redis", "worker", "jumpbox"];
/** A proxy preset's name, or "none". */
export type ProxyChoice = string;

export interface CreateChoices {
  name: string;
  presets: string[];
  proxy?: ProxyChoice;
  images: Record<string, string>;
  healthInterval?: string;
}

/**
 * Turns the command's choices into a stack: service templates in the preset list become services
 * (python-http -> api at /api), the rest stay presets. Pure; validation happens afterwards.
 */
export function buildStackConfig(choices: CreateChoices, presets: PresetRegistry): StackConfig {
  const unknown = choices.presets.filter((p) => !presets.get(p));
  if (unknown.length) {
    throw new StackError({
      code: "E_UNKNOWN_PRESET",
      message: `unknown preset${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
      hint: `${unknown.map((u) => didYouMean(u, presets.names())).join("")}known presets: ${presets.names().join(", ")}`,
    });
  }
  let list = [...new Set(choices.presets)];
  const proxies = presets.names("proxy");
  if (choices.proxy !== undefined && choices.proxy !== "none" && !proxies.includes(choices.proxy)) {
    throw new StackError({ code: "E_UNKNOWN_PROXY", message: `--proxy "${choices.proxy}" is not a proxy preset`, hint: `choose one of: ${[...proxies, "none"].join(", ")}` });
  }
  if (choices.proxy) {
    list = list.filter((p) => !proxies.includes(p));
    if (choices.proxy !== "none") list.push(choices.proxy);
  } else if (!list.some((p) => proxies.includes(p))) {
    const fallback = defaultProxy(presets);
    if (fallback) list.push(fallback);
  }
  const addons = list.filter((p) => presets.get(p)!.kind !== "service");
  const infra = addons.filter((p) => presets.get(p)!.kind === "addon");
  const services: Record<string, ServiceConfig> = {};
  let codePath: string | undefined;
  for (const template of list.filter((p) => presets.get(p)!.kind === "service")) {
    const preset = presets.get(template)!;
    const name = preset.defaults!.name;
    const taken = Object.entries(services).find(([n]) => n === name);
    if (taken) {
      throw new StackError({
        code: "E_DUPLICATE_NAME",
        message: `${taken[1].template} and ${template} both make a service named ${name}`,
        hint: `choose one; add the other afterwards under its own name: dev add service NAME --template ${template}`,
      });
    }
    const svc: ServiceConfig = { template };
    if (preset.shares_code) svc.path = codePath ?? `services/${name}`;
    else {
      svc.path = `services/${name}`;
      codePath ??= svc.path;
    }
    const hasProxy = addons.some((p) => presets.get(p)!.kind === "proxy");
    if (preset.defaults?.port) svc.port = preset.defaults.port;
    if (preset.defaults?.route && hasProxy) svc.route = `/${name}`;
    const deps = [...new Set([...infra, ...preset.requires.filter((r) => addons.includes(r))])];
    if (deps.length) svc.depends_on = deps;
    services[name] = svc;
  }
  return {
    version: 1,
    name: choices.name,
    presets: addons,
    services,
    images: choices.images,
    health: { ...DEFAULT_HEALTH, ...(choices.healthInterval ? { interval: choices.healthInterval } : {}) },
    ignore: [],
  };
}

/** A project name from a folder name: "My App" -> "my-app". Explicit names are never rewritten. */
export function projectNameFrom(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "");
}

export function checkName(name: string, what: string, hint?: string): void {
  if (!NAME_PATTERN.test(name) || name.length > 63) {
    throw new StackError({
      code: "E_INVALID_NAME",
      message: `${what} "${name}" is not a valid name`,
      hint: hint ?? "use lower-case letters, digits and dashes, starting with a letter (^[a-z][a-z0-9-]*$)",
    });
  }
}

/** --image FROM=TO pairs. */
export function parseImageOverrides(pairs: string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const from = pair.slice(0, eq);
    const to = pair.slice(eq + 1);
    if (eq <= 0 || !to || /\s/.test(pair)) {
      throw new StackError({ code: "E_IMAGE_OVERRIDE", message: `--image ${JSON.stringify(pair)} is not FROM=TO`, hint: "e.g. --image postgres:16=registry.example.com/postgres:16" });
    }
    images[from] = to;
  }
  return images;
}
