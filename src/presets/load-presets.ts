import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { StackError } from "../errors/stack-error.js";
import { contentHash } from "../fs/content-hash.js";
import { PACKAGE_ROOT, PRESETS_DIR } from "../fs/package-paths.js";
import { checkPreset } from "./check-preset.js";
import { precheckedPreset } from "./prechecked-presets.js";
import type { Preset, PresetKind } from "./preset.js";

export interface PresetRegistry {
  get(name: string): Preset | undefined;
  names(kind?: PresetKind): string[];
}

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
  const shown = file.startsWith(PACKAGE_ROOT) ? relative(PACKAGE_ROOT, file) : file;
  // The schema checks the shape (with file:line:col); what it cannot say is checked here.
  const text = readFileSync(file, "utf8");
  const raw = (precheckedPreset(contentHash(text)) ?? checkPreset(text, shown)) as Omit<Preset, "dir">;
  if (raw.name !== folder) {
    const line = text.slice(0, Math.max(0, text.search(/^name:/m))).split("\n").length;
    throw new StackError({ code: "E_PRESET_INVALID", message: `invalid preset: name "${raw.name}" must match its folder "${folder}"`, location: { file: shown, line, col: 1 }, exitCode: 1 });
  }
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
    image_command: raw.image_command,
    rebuild_on: raw.rebuild_on ?? ["Dockerfile"],
    reload: raw.reload ?? "restart",
    proxy: raw.proxy,
    dir,
  };
}
