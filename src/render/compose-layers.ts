import { posix } from "node:path";
import type { PresetRegistry } from "../presets/load-presets.js";
import { interpolate } from "../presets/interpolate.js";
import type { LayerFragment, LayerName, Preset } from "../presets/preset.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { layersOf } from "./layer-files.js";
import type { StackConfig } from "../stack/stack-config.js";
import { escapeInterpolation } from "./compose-yaml.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "./proxy-renderers.js";
import { adoptedTraefikLabels } from "./traefik-labels.js";
import { commandHealthTest, httpHealthTest } from "./health-command.js";
import { knownCommand, reloadModeOf, stopTimeoutOf, supervisedCommand } from "./supervisor.js";

type ComposeService = Record<string, unknown>;
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Builds every compose layer as plain data: base (valid on its own), dev (source mounts, host
 * ports, dev commands), proxy (the proxy and routing labels) and tools (profile-gated helpers).
 */
export function buildLayers(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): Map<LayerName, ComposeFile> {
  const layers = new Map<LayerName, ComposeFile>(layersOf(stack, presets).map((l) => [l, { services: {} }]));
  const add = (fragments: Preset["layers"]) => {
    for (const [name, fragment] of Object.entries(fragments) as [LayerName, LayerFragment][]) {
      const layer = layers.get(name);
      if (!layer || !fragment) continue;
      for (const [svc, def] of Object.entries(fragment.services ?? {})) {
        layer.services[svc] = deepMerge(layer.services[svc] ?? {}, def);
      }
      if (fragment.volumes) layer.volumes = { ...layer.volumes, ...fragment.volumes };
    }
  };
  const base = layers.get("base")!;
  const dev = layers.get("dev")!;

  for (const svc of services) {
    // Defined in the project's own files, which come first in COMPOSE_FILE: nothing to render but
    // the supervisor around their command, in our dev layer (theirs are never written).
    if (svc.adopted) {
      if (reloadModeOf(svc) === "process") dev.services[svc.name] = { command: supervisedCommand(svc.name, stopTimeoutOf(svc), knownCommand(svc)!) };
      continue;
    }
    if (svc.preset) add(interpolate(svc.preset.layers, svc.vars, `preset ${svc.preset.name}`));
    else if (svc.build) base.services[svc.name] = ownBuild(svc.build);
    else base.services[svc.name] = { image: svc.image };
    const def = base.services[svc.name]!;
    const healthcheck = userHealthcheck(svc);
    if (healthcheck) def.healthcheck = healthcheck;
    if (svc.stopGracePeriod) def.stop_grace_period = svc.stopGracePeriod;
    if (svc.port !== undefined) {
      const devDef = (dev.services[svc.name] ??= {});
      devDef.ports = [`127.0.0.1:\${${svc.envName}_PORT:-${svc.port}}:${svc.port}`];
    }
    const command = knownCommand(svc);
    if (reloadModeOf(svc) === "process" && command) (dev.services[svc.name] ??= {}).command = supervisedCommand(svc.name, stopTimeoutOf(svc), command);
    else if (svc.command) (dev.services[svc.name] ??= {}).command = svc.command.map(escapeInterpolation);
  }

  const addonConnections: Record<string, string> = {};
  for (const name of stack.presets) {
    const preset = presets.get(name)!;
    add(interpolate(preset.layers, { project: stack.name, name, path: "", port: "", route: "", envName: "" }, `preset ${name}`));
    if (preset.kind === "addon") Object.assign(addonConnections, preset.connection);
  }
  for (const name of stack.presets) {
    const preset = presets.get(name)!;
    if (!preset.connect_all) continue;
    for (const [layerName, fragment] of Object.entries(preset.layers) as [LayerName, LayerFragment][]) {
      for (const svc of Object.keys(fragment.services ?? {})) {
        const def = layers.get(layerName)?.services[svc];
        if (def) def.environment = { ...addonConnections, ...(def.environment as object | undefined) };
      }
    }
  }

  for (const svc of services) if (!svc.adopted) wireDependencies(svc, stack, presets, services, base);
  const proxyPreset = proxyPresetOf(stack.presets, presets);
  // An adopted project's own Traefik routes what we add: labels in our base layer, beside it.
  const labelsOf = proxyPreset ? proxyRenderer(proxyPreset).labels : stack.proxy?.kind === "traefik" ? adoptedTraefikLabels : undefined;
  if (labelsOf) {
    const proxy = layers.get("proxy") ?? base;
    for (const svc of services) {
      if (svc.adopted) continue;
      const labels = labelsOf(stack.name, svc);
      if (Object.keys(labels).length) (proxy.services[svc.name] ??= {}).labels = labels;
    }
  }
  for (const layer of layers.values()) {
    for (const def of Object.values(layer.services)) {
      applyHealthTiming(def, stack);
      applyImageOverrides(def, stack.images);
    }
  }
  return layers;
}

/** environment from the service's dependencies and stack.yaml, then depends_on with conditions. */
function wireDependencies(svc: ResolvedService, stack: StackConfig, presets: PresetRegistry, services: ResolvedService[], base: ComposeFile): void {
  const def = base.services[svc.name]!;
  const env: Record<string, unknown> = {};
  const dependsOn: Record<string, { condition: string }> = {};
  const condition = (target: string) => ({
    condition: base.services[target]?.healthcheck ? "service_healthy" : "service_started",
  });
  for (const dep of svc.dependsOn) {
    const preset = stack.presets.includes(dep) ? presets.get(dep) : undefined;
    if (preset) {
      Object.assign(env, preset.connection);
      for (const target of Object.keys(preset.layers.base?.services ?? {})) dependsOn[target] = condition(target);
    } else if (services.some((s) => s.name === dep) || base.services[dep]) {
      dependsOn[dep] = condition(dep);
    }
  }
  // A plain loop: spreading a 50,000-key env into new objects costs more than the rest of the plan.
  const merged: Record<string, unknown> = { ...env, ...(def.environment as object | undefined) };
  for (const key in svc.env) merged[key] = escapeInterpolation(svc.env[key]!);
  if (Object.keys(merged).length) def.environment = merged;
  if (Object.keys(dependsOn).length) def.depends_on = dependsOn;
}

/**
 * A service with its own Dockerfile, built as it is: no build argument, no file of ours in its
 * folder. init: true (the engine's own tiny init, in any image) makes stops and restarts quick.
 */
function ownBuild(build: { context: string; dockerfile?: string }): ComposeService {
  const dockerfile = build.dockerfile ? posix.relative(build.context, build.dockerfile) : undefined;
  return { build: { context: `./${build.context}`, ...(dockerfile ? { dockerfile } : {}) }, init: true };
}

function userHealthcheck(svc: ResolvedService): Record<string, unknown> | undefined {
  if (svc.healthcheck?.command) return { test: commandHealthTest(svc.healthcheck.command) };
  if (svc.healthcheck?.http && svc.port !== undefined) return { test: httpHealthTest(svc.port, svc.healthcheck.http) };
  return undefined;
}

function applyHealthTiming(def: ComposeService, stack: StackConfig): void {
  const hc = def.healthcheck as Record<string, unknown> | undefined;
  if (!hc) return;
  const { interval, timeout, retries, start_period } = stack.health;
  def.healthcheck = { test: hc.test, interval, timeout, retries, start_period, ...hc };
}

function applyImageOverrides(def: ComposeService, images: Record<string, string>): void {
  if (typeof def.image === "string" && images[def.image]) def.image = images[def.image];
  const args = (def.build as { args?: Record<string, string> } | undefined)?.args;
  if (args?.BASE_IMAGE && images[args.BASE_IMAGE]) args.BASE_IMAGE = images[args.BASE_IMAGE]!;
}

function deepMerge(target: ComposeService, src: ComposeService): ComposeService {
  const out: ComposeService = { ...target };
  for (const [k, v] of Object.entries(src)) {
    const t = out[k];
    out[k] = isPlain(t) && isPlain(v) ? deepMerge(t, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is ComposeService {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
