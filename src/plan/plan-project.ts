import type { PresetRegistry } from "../presets/load-presets.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import type { StackConfig } from "../stack/stack-config.js";
import { collectEnvEntries } from "./env-entries.js";
import type { FileReader, Plan } from "../fs/plan.js";
import type { OptionalLayers } from "./optional-layer-listing.js";
import { planStack } from "./plan-stack.js";
import { resolveEnv, type PortAllocator } from "./resolve-env.js";
import { resolveServices } from "../stack/resolve-services.js";

export interface PlanProjectInput {
  root: string;
  stack: StackConfig;
  presets: PresetRegistry;
  reader: FileReader;
  stackText?: string;
  readme?: boolean;
  allocatePort?: PortAllocator;
  /** Secret generator; tests pass a deterministic one. */
  secret?: () => string;
  /** The optional layers COMPOSE_FILE lists (decided by plan/optional-layer-listing.ts). */
  optionalLayers?: OptionalLayers;
}

/**
 * The one path every command takes from a stack to a plan: fill .env's missing values (secrets,
 * free ports: the only I/O), then plan every file in memory.
 */
export async function planProject(input: PlanProjectInput): Promise<Plan> {
  const services = resolveServices(input.stack, input.presets);
  const entries = collectEnvEntries(input.stack, input.presets, services, { optionalLayers: input.optionalLayers });
  const existing = parseEnvFile(input.reader.read(".env") ?? "");
  const env = await resolveEnv(entries, existing, input.allocatePort, input.secret);
  const plan = planStack({ ...input, services, env: { entries, values: env.values } });
  const ports = env.filled.filter((k) => entries.find((e) => e.key === k)?.spec.port !== undefined);
  if (ports.length && existing.size) plan.notes.push(`new host ports in .env: ${ports.map((k) => `${k}=${env.values[k]}`).join(", ")}`);
  return plan;
}
