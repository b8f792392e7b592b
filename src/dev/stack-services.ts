import type { PresetKind } from "../presets/preset.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { buildLayers } from "../render/compose-layers.js";
import type { Project } from "../stack/load-project.js";

/** One compose service of the stack, as `dev up` looks after it: app services and preset services alike. */
export interface StackService {
  name: string;
  /** The stack.yaml service, for app services; undefined for preset services (postgres, nginx, ...). */
  app?: ResolvedService;
  /** Kind of the preset that defines it (addon: a database, cache or broker; proxy; tool). */
  presetKind?: PresetKind;
  /** Services it waits for (compose depends_on). */
  dependsOn: string[];
  /** Compose profiles: a service with one is started only on request (the jumpbox). */
  profiles: string[];
  health?: HealthTimingMs;
}

export interface HealthTimingMs {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/**
 * Every compose service the stack defines, read from the same layers `dev sync` writes, so the
 * dependencies and healthchecks are the ones compose applies.
 */
export function stackServices(project: Project): StackService[] {
  const config = project.parsed.config;
  const merged = new Map<string, Record<string, unknown>>();
  for (const layer of buildLayers(config, project.presets, project.services).values()) {
    for (const [name, def] of Object.entries(layer.services)) merged.set(name, { ...merged.get(name), ...withDependsOn(merged.get(name), def) });
  }
  const presetKindOf = (name: string): PresetKind | undefined => {
    for (const p of config.presets) {
      const preset = project.presets.get(p);
      if (preset && Object.values(preset.layers).some((l) => l?.services && name in l.services)) return preset.kind;
    }
    return undefined;
  };
  // Services of an adopted project's own files: not in our layers, looked after all the same.
  for (const svc of project.services) if (svc.adopted && !merged.has(svc.name)) merged.set(svc.name, svc.dependsOn.length ? { depends_on: svc.dependsOn } : {});
  return [...merged].map(([name, def]) => ({
    name,
    app: project.services.find((s) => s.name === name),
    presetKind: presetKindOf(name),
    dependsOn: dependsOnOf(def.depends_on),
    profiles: Array.isArray(def.profiles) ? def.profiles.map(String) : [],
    health: healthOf(def.healthcheck),
  }));
}

/** depends_on from two layers adds up (compose merges the maps). */
function withDependsOn(prev: Record<string, unknown> | undefined, def: Record<string, unknown>): Record<string, unknown> {
  if (!prev?.depends_on || !def.depends_on) return def;
  return { ...def, depends_on: [...new Set([...dependsOnOf(prev.depends_on), ...dependsOnOf(def.depends_on)])] };
}

function dependsOnOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === "object") return Object.keys(value);
  return [];
}

function healthOf(value: unknown): HealthTimingMs | undefined {
  const hc = value as { test?: unknown; disable?: boolean; interval?: string; timeout?: string; retries?: number; start_period?: string } | undefined;
  if (!hc || hc.disable || !hc.test || (Array.isArray(hc.test) && hc.test[0] === "NONE")) return undefined;
  return {
    intervalMs: durationMs(hc.interval) ?? 30_000,
    timeoutMs: durationMs(hc.timeout) ?? 30_000,
    retries: hc.retries ?? 3,
    startPeriodMs: durationMs(hc.start_period) ?? 0,
  };
}

/** A compose duration ("1m30s", "500ms", "3s") in ms. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  let total = 0;
  let matched = false;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(ms|us|s|m|h)/g)) {
    matched = true;
    total += Number(n) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit!]!;
  }
  return matched ? Math.round(total) : undefined;
}

/**
 * How long a service's own healthcheck takes to give up on it: Docker calls it unhealthy after
 * `retries` failed checks in a row, one per interval. Until then it may still recover by itself.
 */
export function healthWindowMs(svc: StackService): number | undefined {
  if (!svc.health) return undefined;
  return svc.health.retries * (svc.health.intervalMs + svc.health.timeoutMs);
}

/**
 * The given services grouped for starting: each group only after the groups before it, since a
 * service's dependencies (direct or through others) sit in earlier groups. Unknown names come
 * first, on their own.
 */
export function startLevels(all: StackService[], names: Iterable<string>): string[][] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0; // compose refuses cycles; never loop on one here
    seen.add(name);
    const deps = byName.get(name)?.dependsOn ?? [];
    const d = deps.length ? 1 + Math.max(...deps.map((dep) => depthOf(dep, seen))) : 0;
    depth.set(name, d);
    return d;
  };
  const levels: string[][] = [];
  for (const name of new Set(names)) {
    const d = depthOf(name, new Set());
    (levels[d] ??= []).push(name);
  }
  return levels.filter((l) => l && l.length > 0).map((l) => l.sort());
}

/** Services that name `name` in their depends_on. */
export function dependentsOf(all: StackService[], name: string): StackService[] {
  return all.filter((s) => s.dependsOn.includes(name));
}
