import { posix } from "node:path";
import type { LayerName } from "../presets/preset.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import type { ComposeFile } from "./compose-layers.js";
import { OverrideList } from "./compose-yaml.js";
import { reloadModeOf } from "./supervisor.js";

/**
 * An optional compose layer with `develop.watch` rules, so that plain `docker compose up --watch`
 * (or `docker compose watch`) does what `dev up` does on a save, without create-stack:
 * - a source change is synced into the container, which is restarted (`sync+restart`); a service
 *   that reloads itself (reload: true) gets the files only (`sync`);
 * - a change to the Dockerfile or a dependency manifest (the preset's rebuild_on) rebuilds the
 *   image and recreates the container (`rebuild`); a service with its own Dockerfile is rebuilt
 *   on every change, as `dev up` does;
 * - the same ignores as `dev up`'s watcher (compose adds the build context's .dockerignore).
 *
 * Compose watch skips every path that is also bind-mounted (compose v2.22 to v2.29 for any
 * action, later ones for sync), and the dev layer mounts each source folder. So this layer takes
 * that mount out again (`!override`, compose v2.24+): the container runs the image's copy, kept
 * current by the syncs. `dev up` keeps the mounts: it runs compose without this layer. Listed in
 * COMPOSE_FILE only where compose understands it (see plan/optional-layer-listing.ts).
 */
export const WATCH_FILE = "compose.watch.yaml";

/** Compose's watch rule: https://docs.docker.com/reference/compose-file/develop/ */
export interface WatchRule {
  action: "sync" | "sync+restart" | "rebuild";
  path: string;
  target?: string;
  ignore?: string[];
}

/**
 * The layer for a stack's other layers and services. `ignores` are the watcher's project-relative
 * globs (DEFAULT_IGNORES, .gitignore's, stack.yaml's `ignore:`).
 */
export function buildWatchLayer(layers: ReadonlyMap<LayerName, ComposeFile>, services: ResolvedService[], ignores: string[]): ComposeFile {
  const out: ComposeFile["services"] = {};
  for (const svc of services) {
    if (svc.adopted || !(svc.preset || svc.build) || !svc.path) continue;
    const volumes = mergedVolumes(layers, svc.name);
    const mount = sourceMount(volumes, svc.path);
    const rules: WatchRule[] = [];
    for (const glob of svc.rebuildOn) {
      const path = globPath(glob);
      if (path !== undefined && !rules.some((r) => r.path === `./${path}`)) rules.push({ action: "rebuild", path: `./${path}` });
    }
    if (mount) {
      const ignore = relativeIgnores(ignores, svc.path);
      rules.push({ action: reloadModeOf(svc) === "self" ? "sync" : "sync+restart", path: `./${svc.path}`, target: mount.target, ...(ignore.length ? { ignore } : {}) });
    }
    if (rules.length === 0) continue;
    out[svc.name] = {
      ...(mount ? { volumes: new OverrideList(volumes.filter((v) => v !== mount.entry && !insideTarget(v, mount.target))) } : {}),
      develop: { watch: rules },
    };
  }
  return { services: out };
}

/** A service's volumes as compose merges the layers (by target: a later one replaces an earlier one). */
function mergedVolumes(layers: ReadonlyMap<LayerName, ComposeFile>, name: string): unknown[] {
  const byTarget = new Map<string, unknown>();
  for (const layer of layers.values()) {
    const list = layer.services[name]?.volumes;
    if (Array.isArray(list)) for (const v of list) byTarget.set(targetOf(v) ?? JSON.stringify(v), v);
  }
  return [...byTarget.values()];
}

function targetOf(volume: unknown): string | undefined {
  if (typeof volume === "string") {
    const parts = volume.split(":");
    return parts.length === 1 ? parts[0] : parts[1];
  }
  const target = (volume as { target?: unknown } | null)?.target;
  return typeof target === "string" ? target : undefined;
}

/** The bind mount of the service's source folder (`./services/api:/app`), as the dev layer writes it. */
function sourceMount(volumes: unknown[], path: string): { entry: unknown; target: string } | undefined {
  for (const v of volumes) {
    let source: string | undefined;
    let target: string | undefined;
    if (typeof v === "string") [source, target] = v.split(":");
    else if (v && typeof v === "object" && (v as { type?: unknown }).type === "bind") ({ source, target } = v as { source?: string; target?: string });
    if (source && target && (source.startsWith("./") || source.startsWith("../") || source === ".") && posix.normalize(source) === posix.normalize(path)) return { entry: v, target };
  }
  return undefined;
}

/** An anonymous volume inside the mount (node_modules): without the mount it would shadow the image's own. */
function insideTarget(volume: unknown, target: string): boolean {
  return typeof volume === "string" && !volume.includes(":") && volume.startsWith(`${target.replace(/\/+$/, "")}/`);
}

/** A rebuild_on glob as a compose watch path: `services/api/requirements.txt`, `services/api/**` -> the folder. */
function globPath(glob: string): string | undefined {
  const path = glob.replace(/\/\*\*$/, "");
  return /[*?[\]{}!]/.test(path) ? undefined : path;
}

/**
 * The watcher's globs that apply inside `path`, relative to it as compose's `ignore` wants them
 * (.dockerignore syntax; a matching folder ignores everything below it, so `/**` tails go).
 */
function relativeIgnores(globs: string[], path: string): string[] {
  const out = new Set<string>();
  const prefix = `${path.replace(/\/+$/, "")}/`;
  for (const glob of globs) {
    const g = glob.replace(/\/\*\*$/, "");
    if (g.startsWith("**/")) out.add(g);
    else if (g.startsWith(prefix) && g.length > prefix.length) out.add(g.slice(prefix.length));
  }
  return [...out];
}
