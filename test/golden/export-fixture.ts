import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildStackConfig, type CreateChoices } from "../../src/create/build-stack-config.js";
import { dockerfileStartCommand } from "../../src/export/dockerfile-command.js";
import { buildExportModel, type ExportModel } from "../../src/export/export-model.js";
import { resolveServices } from "../../src/stack/resolve-services.js";
import { loadPresets, type PresetRegistry } from "../../src/presets/load-presets.js";
import { parseEnvFile } from "../../src/fs/parse-env-file.js";
import type { StackConfig } from "../../src/stack/stack-config.js";
import { validateStack } from "../../src/stack/validate-stack.js";
import { fixtureChoices, planChoices, type FixtureChoices } from "./plan-fixture.js";

export const REGISTRY = "registry.example.com/team";

export interface ExportFixture {
  model: ExportModel;
  /** The generated files services bind-mount, as the export command reads them (paths relative to deploy/swarm/). */
  configFiles: Record<string, { content: string; file: string }>;
  stack: StackConfig;
  presets: PresetRegistry;
}

/** A fixture's stack as the exporters see it: the planned .env, Dockerfiles and nginx config, a fixed tag. */
export async function exportFixture(name: string): Promise<ExportFixture> {
  return exportChoices(fixtureChoices(name));
}

/** A stack made from create's choices, as the exporters see it (see exportFixture). */
export async function exportChoices(choices: FixtureChoices): Promise<ExportFixture> {
  const presets = loadPresets();
  const stack = buildStackConfig({ ...choices, images: choices.images ?? {} }, presets);
  for (const [svc, route] of Object.entries(choices.routes ?? {})) stack.services[svc] = { template: "python-http", path: `services/${svc}`, port: 8000, route };
  validateStack(stack, presets);
  const plan = await planChoices(choices);
  const file = (path: string) => plan.files.find((f) => f.path === path)?.content;
  const env = Object.fromEntries(parseEnvFile(file(".env") ?? ""));
  const services = resolveServices(stack, presets);
  const startCommands: Record<string, string[] | undefined> = {};
  for (const svc of services) if (svc.path) startCommands[svc.name] = dockerfileStartCommand(file(`${svc.path}/Dockerfile`) ?? "");
  startCommands.jumpbox = dockerfileStartCommand(file("tools/jumpbox/Dockerfile") ?? "");
  const model = buildExportModel({ stack, presets, services, env, registry: REGISTRY, tag: "0123456789ab", startCommands });
  const configFiles: Record<string, { content: string; file: string }> = {};
  for (const mount of model.services.flatMap((s) => s.configMounts)) {
    for (const f of plan.files.filter((x) => x.path.startsWith(`${mount.folder}/`))) configFiles[f.path] = { content: f.content, file: `../../${f.path}` };
  }
  return { model, configFiles, stack, presets };
}
