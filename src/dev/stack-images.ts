import type { PresetRegistry } from "../presets/load-presets.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { buildLayers } from "../render/compose-layers.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import type { StackConfig } from "../stack/stack-config.js";

/** The images a stack needs from a registry, as a failed pull's hint lists them. Pure. */
export interface StackImages {
  /** Images `images:` in stack.yaml can map (an `image:`, or a starter Dockerfile's BASE_IMAGE), as the presets name them. */
  mappable: { image: string; services: string[]; mappedTo?: string }[];
  /** Services built from a Dockerfile of their own: their FROM is theirs, `images:` does not reach it. */
  ownDockerfiles: string[];
  /** The stack's proxy preset, if any. */
  proxy?: string;
  /** nginx's own images, when the stack has another proxy and nginx is a preset: the switch to offer. */
  nginxImages?: string[];
}

type ComposeService = { image?: unknown; build?: { args?: Record<string, unknown> } };

export function stackImagesOf(stack: StackConfig, presets: PresetRegistry, services: ResolvedService[]): StackImages {
  // Without the overrides: `images:` maps the names the presets use.
  const layers = buildLayers({ ...stack, images: {} }, presets, services);
  const byImage = new Map<string, string[]>();
  const ownDockerfiles: string[] = [];
  for (const layer of layers.values()) {
    for (const [name, def] of Object.entries(layer.services) as [string, ComposeService][]) {
      const base = def.build?.args?.BASE_IMAGE;
      const image = typeof base === "string" ? base : def.build ? undefined : typeof def.image === "string" ? def.image : undefined;
      if (image) byImage.set(image, [...new Set([...(byImage.get(image) ?? []), name])]);
      else if (def.build && !ownDockerfiles.includes(name)) ownDockerfiles.push(name);
    }
  }
  const mappable = [...byImage].map(([image, names]) => ({ image, services: names, ...(stack.images[image] ? { mappedTo: stack.images[image] } : {}) }));
  const proxy = proxyPresetOf(stack.presets, presets)?.name;
  const nginx = presets.get("nginx");
  const nginxImages =
    proxy && proxy !== "nginx" && nginx?.kind === "proxy"
      ? Object.values(nginx.layers.proxy?.services ?? {}).flatMap((s) => (typeof (s as ComposeService).image === "string" ? [(s as ComposeService).image as string] : []))
      : undefined;
  return { mappable, ownDockerfiles, proxy, ...(nginxImages ? { nginxImages } : {}) };
}
