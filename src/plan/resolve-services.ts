import type { PresetRegistry } from "../presets/load-presets.js";
import { interpolateString } from "../presets/interpolate.js";
import type { Preset, PresetVars } from "../presets/preset.js";
import type { StackConfig } from "../stack/stack-config.js";

/** A service of stack.yaml with every default filled in: what planners, `dev up` and routes use. */
export interface ResolvedService {
  name: string;
  /** The template preset, for template services. */
  preset?: Preset;
  image?: string;
  /** Source folder (build context), project-relative; undefined for image services without one. */
  path?: string;
  port?: number;
  route?: string;
  strip: boolean;
  dependsOn: string[];
  env: Record<string, string>;
  /** Everything whose change restarts this service: its path plus stack.yaml's extra watch paths. */
  watch: string[];
  reload: boolean;
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
    const preset = svc.template ? presets.get(svc.template) : undefined;
    const defaults = preset?.defaults;
    const port = svc.port ?? defaults?.port;
    const route = svc.route;
    const base = { project: stack.name, name, envName: envNameOf(name), port: String(port ?? ""), route: route ?? "" };
    const path =
      svc.path ??
      (preset ? (defaults?.path && !preset.shares_code ? interpolateString(defaults.path, { ...base, path: "" }, preset.name) : `services/${name}`) : undefined);
    const vars: PresetVars = { ...base, path: path ?? "" };
    const dependsOn = [...new Set([...(svc.depends_on ?? []), ...(preset?.requires ?? [])])];
    return {
      name,
      preset,
      image: svc.image,
      path,
      port,
      route,
      strip: svc.strip_prefix ?? true,
      dependsOn,
      env: stringValues(svc.env),
      watch: [...(path ? [path] : []), ...(svc.watch ?? [])],
      reload: svc.reload ?? false,
      command: svc.command,
      stopGracePeriod: svc.stop_grace_period,
      envName: vars.envName,
      vars,
    };
  });
}

/** env values as strings (stack.yaml allows numbers and booleans); a loop, as envs can be huge. */
function stringValues(env: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in env) out[key] = String(env[key]);
  return out;
}
