import { StackError } from "../errors/stack-error.js";
import { presetServiceNames } from "../presets/preset-services.js";
import type { DevContext } from "./dev-context.js";

/** Every compose service of the project: its own services and the presets' (postgres, nginx, ...). */
export function knownServices(ctx: DevContext): string[] {
  return [...ctx.project.services.map((s) => s.name), ...presetServiceNames(ctx.project.parsed.config.presets, ctx.project.presets)];
}

/** Names must be the project's services: a typo never reaches compose. */
export function assertKnownServices(ctx: DevContext, names: string[]): void {
  const known = knownServices(ctx);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new StackError({ code: "E_UNKNOWN_SERVICE", message: `unknown service${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, hint: `services: ${known.join(", ")}` });
  }
}

/** The preset a helper needs (dev psql needs postgres). */
export function assertPreset(ctx: DevContext, preset: string, command: string): void {
  if (!ctx.project.parsed.config.presets.includes(preset)) {
    throw new StackError({ code: "E_NO_PRESET", message: `${command} needs the ${preset} preset, which this stack does not have`, hint: `add it with: dev add preset ${preset}` });
  }
}
