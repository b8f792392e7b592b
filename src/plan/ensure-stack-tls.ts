import type { PresetRegistry } from "../presets/load-presets.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "../render/proxy-renderers.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import type { StackConfig } from "../stack/stack-config.js";
import { ensureProjectTls, type ProjectTls } from "../tls/project-tls.js";

/**
 * The project's certificate, for a stack with a proxy: made (with the machine's CA, the first
 * time) or brought up to date with its routed services. Outside the plan: a private key is not a
 * file the plan records, and the folder is git-ignored state. Undefined for a stack without proxy.
 */
export function ensureStackTls(root: string, config: StackConfig, presets: PresetRegistry, services: ResolvedService[]): ProjectTls | undefined {
  const proxy = proxyPresetOf(config.presets, presets);
  if (!proxy) return undefined;
  return ensureProjectTls(
    root,
    services.filter((s) => s.route && s.port !== undefined).map((s) => s.name),
    undefined,
    proxyRenderer(proxy).tlsFiles ?? [],
  );
}
