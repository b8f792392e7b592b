import { buildLayers } from "../render/compose-layers.js";
import type { Project } from "../stack/load-project.js";

/**
 * The services `after` adds to `before`, when adding them is all that changed in the compose
 * layers (every other service, volume and network defined exactly as before); undefined when
 * anything else changed, or nothing was added. A watching `dev up` that finds the added services
 * running (`dev add` builds and starts its service before it releases the project) has nothing
 * left for compose to do: `compose up` over every service would only confirm it, at a cost that
 * grows with the stack (seconds per apply at 40 services, on compose v1).
 */
export function servicesOnlyAdded(before: Project, after: Project): string[] | undefined {
  const old = buildLayers(before.parsed.config, before.presets, before.services);
  const now = buildLayers(after.parsed.config, after.presets, after.services);
  if ([...old.keys()].join() !== [...now.keys()].join()) return undefined;
  const added = new Set<string>();
  for (const [name, layer] of now) {
    const was = old.get(name)!;
    for (const svc of Object.keys(layer.services)) if (!(svc in was.services)) added.add(svc);
    const { services: oldServices, ...oldRest } = was;
    const { services: newServices, ...newRest } = layer;
    if (JSON.stringify(oldRest) !== JSON.stringify(newRest)) return undefined;
    for (const [svc, def] of Object.entries(oldServices)) {
      if (!(svc in newServices) || JSON.stringify(def) !== JSON.stringify(newServices[svc])) return undefined;
    }
  }
  return added.size ? [...added] : undefined;
}
