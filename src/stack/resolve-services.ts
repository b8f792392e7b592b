import type { PresetRegistry } from "../presets/load-presets.js";
import { interpolateString } from "../presets/interpolate.js";
import type { Preset, PresetVars } from "../presets/preset.js";
import type { ServiceConfig, StackConfig } from "./stack-config.js";

/** A service of stack.yaml with every default filled in: what planners, `dev up` and routes use. */
export interface ResolvedService {
  name: string;
  /** Defined in the project's own compose files: watched and restarted, never rendered. */
  adopted?: boolean;
  /** Host name routed to it (adopted Host rules). */
  host?: string;
  /** The template preset, for template services. */
  preset?: Preset;
  image?: string;
  /** A service with its own Dockerfile: built as it is from this context. */
  build?: { context: string; dockerfile?: string };
  /** Its healthcheck, as stack.yaml gives it (build and image services). */
  healthcheck?: { command?: string; http?: string };
  /** Source folder (build context), project-relative; undefined for image services without one. */
  path?: string;
  port?: number;
  route?: string;
  strip: boolean;
  dependsOn: string[];
  env: Record<string, string>;
  /** Everything whose change restarts this service: its path plus stack.yaml's extra watch paths. */
  watch: string[];
  /** Project-relative globs whose change rebuilds the image rather than restarting the container. */
  rebuildOn: string[];
  /** Adopted services: where a change restarts it (its mounted sources); elsewhere in `watch` it only rebuilds. */
  restartPaths?: string[];
  /** stack.yaml's `reload:` as written (see ReloadMode in render/supervisor). */
  reload: boolean | "process" | "container";
  /** stack.yaml's `group:` (the dashboard's grouping). */
  group?: string;
  command?: string[];
  stopGracePeriod?: string;
  /** Upper snake case, for .env keys: api-gateway -> API_GATEWAY. */
  envName: string;
  vars: PresetVars;
}

export function envNameOf(service: string): string {
  return service.toUpperCase().replace(/-/g, "_");
}

export function resolveServices(stack: StackConfig, presets: PresetRegistry): ResolvedService[] {
  return Object.entries(stack.services).map(([name, svc]) => {
    if (svc.adopted) return resolveAdopted(stack, name, svc);
    const preset = svc.template ? presets.get(svc.template) : undefined;
    const defaults = preset?.defaults;
    const port = svc.port ?? defaults?.port;
    const route = svc.route;
    const base = { project: stack.name, name, envName: envNameOf(name), port: String(port ?? ""), route: route ?? "" };
    const path =
      svc.build ??
      svc.path ??
      (preset ? (defaults?.path && !preset.shares_code ? interpolateString(defaults.path, { ...base, path: "" }, preset.name) : `services/${name}`) : undefined);
    const vars: PresetVars = { ...base, path: path ?? "" };
    const dependsOn = [...new Set([...(svc.depends_on ?? []), ...(preset?.requires ?? [])])];
    return {
      name,
      preset,
      image: svc.image,
      build: svc.build !== undefined ? { context: svc.build, dockerfile: svc.dockerfile } : undefined,
      healthcheck: svc.healthcheck,
      path,
      port,
      route,
      strip: svc.strip_prefix ?? true,
      dependsOn,
      env: stringValues(svc.env),
      watch: [...(path ? [path] : []), ...(svc.watch ?? []), ...(svc.dockerfile ? [svc.dockerfile] : [])],
      rebuildOn: rebuildTriggers(preset, path, svc.build !== undefined, svc.dockerfile),
      reload: svc.reload ?? preset?.reload === "self",
      command: svc.command,
      group: svc.group,
      stopGracePeriod: svc.stop_grace_period,
      envName: vars.envName,
      vars,
    };
  });
}

/**
 * What rebuilds the image. A template's preset says (its Dockerfile and dependency manifests; the
 * code is mounted, so a restart is enough for the rest). An own-Dockerfile service has no mount:
 * where the image keeps its code is its own business, so every change rebuilds (cached layers
 * keep that quick) and recreates it.
 */
function rebuildTriggers(preset: Preset | undefined, path: string | undefined, ownDockerfile: boolean, dockerfile: string | undefined): string[] {
  if (!path) return [];
  if (ownDockerfile) return [`${path}/**`, ...(dockerfile ? [dockerfile] : [])];
  return (preset?.rebuild_on ?? []).map((glob) => `${path}/${glob}`);
}

/** env values as strings (stack.yaml allows numbers and booleans); a loop, as envs can be huge. */
function stringValues(env: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in env) out[key] = String(env[key]);
  return out;
}

/**
 * A service of the project's own compose files: the bind-mounted source folder and files restart
 * it, its rebuild_on globs (Dockerfile, manifests, or the whole context without a mount) rebuild
 * it. The default reload is a container restart: its process is not ours to supervise.
 */
function resolveAdopted(stack: StackConfig, name: string, svc: ServiceConfig): ResolvedService {
  const envName = envNameOf(name);
  const path = svc.path ?? svc.build;
  const rebuildOn = svc.rebuild_on ?? [];
  // The build context, and a Dockerfile outside it (build: {context: docker/dev, dockerfile: ../dev.Dockerfile}).
  const building = svc.build !== undefined && rebuildOn.length ? [svc.build, ...(svc.dockerfile ? [svc.dockerfile] : [])] : [];
  const watch = [...new Set([...(svc.path ? [svc.path] : []), ...(svc.watch ?? []), ...building])];
  return {
    name,
    adopted: true,
    ...(svc.host !== undefined ? { host: svc.host } : {}),
    image: svc.image,
    build: svc.build !== undefined ? { context: svc.build, dockerfile: svc.dockerfile } : undefined,
    path,
    port: svc.port,
    route: svc.route,
    strip: svc.strip_prefix ?? false,
    dependsOn: svc.depends_on ?? [],
    env: {},
    watch,
    rebuildOn,
    restartPaths: [...(svc.path ? [svc.path] : []), ...(svc.watch ?? [])],
    // Its command over a mounted source (adopt writes it): reloaded in place by the supervisor.
    reload: svc.reload ?? (svc.command && svc.path ? "process" : "container"),
    command: svc.command,
    envName,
    vars: { project: stack.name, name, envName, port: String(svc.port ?? ""), route: svc.route ?? "", path: path ?? "" },
  };
}
