/**
 * A preset as read from presets/<name>/preset.yaml. Presets are data: adding one needs no code
 * change. Strings anywhere in `layers` and `files[].path` may use `{{var}}` placeholders (see
 * `PresetVars`); compose's own `${VAR}` interpolation is left for compose to resolve from .env.
 */
export type PresetKind = "addon" | "proxy" | "tool" | "service";

export type LayerName = "base" | "dev" | "proxy" | "tools";

/** Compose fragments for one layer: `services` keyed by service name, plus top-level volumes. */
export interface LayerFragment {
  services?: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
}

/** One .env entry a preset needs. Exactly one of value, secret, port is set. */
export interface EnvSpec {
  /** Fixed default value. */
  value?: string;
  /** Generate a random secret per project. */
  secret?: boolean;
  /** Allocate a free host port, preferring this one. */
  port?: number;
  description?: string;
}

export interface PresetFile {
  /** Template path relative to the preset folder, or to templates/ when it starts with `@/`. */
  template: string;
  /** Destination, project-relative; placeholders allowed. */
  path: string;
  /** generated: rewritten from stack.yaml, guarded against user edits. starter: written once. */
  owner: "generated" | "starter";
  /** Octal file mode, e.g. 0o755 for scripts. */
  mode?: number;
}

export interface Preset {
  name: string;
  kind: PresetKind;
  description: string;
  /** Presets this one needs (e.g. worker needs redis). */
  requires: string[];
  /** Presets it cannot be combined with. */
  conflicts: string[];
  env: Record<string, EnvSpec>;
  /**
   * Environment given to every service that depends on this preset's service, e.g.
   * DATABASE_URL. Values use compose interpolation from .env.
   */
  connection: Record<string, string>;
  layers: Partial<Record<LayerName, LayerFragment>>;
  files: PresetFile[];
  /**
   * Service presets only: what a new service gets when the user gives nothing else. `command`:
   * what the dev layer runs under `dev up`'s supervisor when the compose layers name no command,
   * so `dev up` can restart that process in place: its image's CMD, or a development launcher
   * the starter ships beside it (the node starters' dev-serve.cjs).
   */
  defaults?: { name: string; port?: number; route?: string; path?: string; command?: string[] };
  /** Service presets only: requirement lines this template adds to its path's requirements.txt. */
  requirements?: string[];
  /** Service presets only: shares the code of another service rather than having its own. */
  shares_code?: boolean;
  /** Tool presets: give the tool every add-on's connection environment (DATABASE_URL, ...). */
  connect_all?: boolean;
  /**
   * Add-on presets: what the preset's image runs (ENTRYPOINT then CMD). A Swarm export that builds
   * a variable from secrets at start wraps it; without it, such a service cannot be exported.
   */
  image_command?: string[];
  /**
   * Service presets only: globs relative to the service's folder whose change rebuilds the image
   * (Dockerfile, dependency manifests); any other change restarts the container.
   */
  rebuild_on: string[];
  /** Service presets only: restart (dev up restarts the container) or self (it reloads itself). */
  reload: "restart" | "self";
  /** Proxy presets only: how routes reach the proxy. */
  proxy?: ProxySpec;
  /** Folder the preset was loaded from, for resolving templates. */
  dir: string;
}

export interface ProxySpec {
  /** Key of the renderer registered in render/proxy-renderers.ts (labels, config files, reload). */
  renderer: string;
  /** .env key of the host port that serves every route. */
  port_env: string;
  /** .env key of the host port that serves every route over HTTPS. */
  https_port_env?: string;
  dashboard?: { port_env: string; path: string };
  /** The proxy a new stack gets when none is chosen. */
  default?: boolean;
  /** One line shown when choosing a proxy. */
  summary?: string;
}

/** Values a placeholder may name. */
export interface PresetVars {
  project: string;
  name: string;
  path: string;
  port: string;
  route: string;
  /** Upper snake case of the service name, for .env keys: api-gateway -> API_GATEWAY. */
  envName: string;
  [key: string]: string;
}
