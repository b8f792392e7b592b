import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildStackConfig, type CreateChoices } from "../../src/create/build-stack-config.js";
import { dockerfileStartCommand } from "../../src/export/dockerfile-command.js";
import { buildExportModel, type ExportModel } from "../../src/export/export-model.js";
import { resolveServices } from "../../src/plan/resolve-services.js";
import { loadPresets, type PresetRegistry } from "../../src/presets/load-presets.js";
import { parseEnvFile } from "../../src/render/env-file.js";
import type { StackConfig } from "../../src/stack/stack-config.js";
import { validateStack } from "../../src/stack/validate-stack.js";
import { FIXTURES, planFixture } from "./plan-fixture.js";

export const REGISTRY = "registry.example.com/team";

export interface ExportFixture {
  model: ExportModel;
  nginxConfig?: string;
  stack: StackConfig;
  presets: PresetRegistry;
}

/** A fixture's stack as the exporters see it: the planned .env, Dockerfiles and nginx config, a fixed tag. */
export async function exportFixture(name: string): Promise<ExportFixture> {
  const choices = JSON.parse(readFileSync(join(FIXTURES, name, "case.json"), "utf8")) as CreateChoices & { routes?: Record<string, string> };
  const presets = loadPresets();
  const stack = buildStackConfig({ ...choices, images: choices.images ?? {} }, presets);
  for (const [svc, route] of Object.entries(choices.routes ?? {})) stack.services[svc] = { template: "python-http", path: `services/${svc}`, port: 8000, route };
  validateStack(stack, presets);
  const plan = await planFixture(name);
  const file = (path: string) => plan.files.find((f) => f.path === path)?.content;
  const env = Object.fromEntries(parseEnvFile(file(".env") ?? ""));
  const services = resolveServices(stack, presets);
  const startCommands: Record<string, string[] | undefined> = {};
  for (const svc of services) if (svc.path) startCommands[svc.name] = dockerfileStartCommand(file(`${svc.path}/Dockerfile`) ?? "");
  startCommands.jumpbox = dockerfileStartCommand(file("tools/jumpbox/Dockerfile") ?? "");
  const model = buildExportModel({ stack, presets, services, env, registry: REGISTRY, tag: "0123456789ab", startCommands });
  return { model, nginxConfig: file("proxy/nginx/default.conf"), stack, presets };
}
