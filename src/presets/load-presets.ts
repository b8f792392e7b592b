import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { StackError } from "../errors/stack-error.js";
import { PRESETS_DIR } from "../fs/package-paths.js";
import type { Preset, PresetKind } from "./preset.js";

export interface PresetRegistry {
  get(name: string): Preset | undefined;
  names(kind?: PresetKind): string[];
}

const KINDS: readonly PresetKind[] = ["addon", "proxy", "tool", "service"];
const cache = new Map<string, PresetRegistry>();

/** Reads every presets/<name>/preset.yaml. A new folder is a new preset; no code change needed. */
export function loadPresets(dir: string = PRESETS_DIR): PresetRegistry {
  const cached = cache.get(dir);
  if (cached) return cached;
  const presets = new Map<string, Preset>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, "preset.yaml");
    if (!entry.isDirectory() || !existsSync(file)) continue;
    presets.set(entry.name, readPreset(file, entry.name, join(dir, entry.name)));
  }
  const registry: PresetRegistry = {
    get: (name) => presets.get(name),
    names: (kind) => [...presets.values()].filter((p) => !kind || p.kind === kind).map((p) => p.name).sort(),
  };
  cache.set(dir, registry);
  return registry;
}

function readPreset(file: string, folder: string, dir: string): Preset {
  const raw = parse(readFileSync(file, "utf8")) as Partial<Preset> | null;
  const bad = (why: string) =>
    new StackError({ code: "E_PRESET_INVALID", message: `invalid preset: ${why}`, location: { file }, exitCode: 1 });
  if (!raw || typeof raw !== "object") throw bad("empty file");
  if (raw.name !== folder) throw bad(`name "${String(raw.name)}" must match its folder "${folder}"`);
  if (!raw.kind || !KINDS.includes(raw.kind)) throw bad(`kind must be one of ${KINDS.join(", ")}`);
  if (raw.kind === "service" && !raw.defaults?.name) throw bad("a service preset needs defaults.name");
  return {
    name: raw.name,
    kind: raw.kind,
    description: raw.description ?? "",
    requires: raw.requires ?? [],
    conflicts: raw.conflicts ?? [],
    env: raw.env ?? {},
    connection: raw.connection ?? {},
    layers: raw.layers ?? {},
    files: raw.files ?? [],
    defaults: raw.defaults,
    requirements: raw.requirements,
    shares_code: raw.shares_code ?? false,
    connect_all: raw.connect_all ?? false,
    dir,
  };
}
