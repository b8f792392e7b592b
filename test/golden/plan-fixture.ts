import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildStackConfig, type CreateChoices } from "../../src/create/build-stack-config.js";
import { memoryReader } from "../../src/fs/disk-reader.js";
import type { Plan } from "../../src/fs/plan.js";
import { planProject } from "../../src/plan/plan-project.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { createStackDocument, STACK_TEXT_OPTIONS } from "../../src/stack/stack-document.js";
import type { ServiceConfig } from "../../src/stack/stack-config.js";
import { validateStack } from "../../src/stack/validate-stack.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export function fixtureCases(): string[] {
  return readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, "case.json")));
}

/** Plans a fixture in memory, deterministically: free ports are the preferred ones, secrets numbered. */
export async function planFixture(name: string): Promise<Plan> {
  return planChoices(fixtureChoices(name));
}

export type FixtureChoices = Omit<CreateChoices, "images"> & {
  images?: Record<string, string>;
  routes?: Record<string, string>;
  /** Services set as given (own Dockerfiles, routes at /, ...), replacing what the presets made. */
  services?: Record<string, ServiceConfig>;
};

export function fixtureChoices(name: string): FixtureChoices {
  return JSON.parse(readFileSync(join(FIXTURES, name, "case.json"), "utf8")) as FixtureChoices;
}

/** Plans a stack made from create's choices in memory, as planFixture does. */
export async function planChoices(choices: FixtureChoices): Promise<Plan> {
  const presets = loadPresets();
  const stack = buildStackConfig({ ...choices, images: choices.images ?? {} }, presets);
  for (const [svc, route] of Object.entries(choices.routes ?? {})) {
    stack.services[svc] = { template: "python-http", path: `services/${svc}`, port: 8000, route };
  }
  Object.assign(stack.services, choices.services ?? {});
  validateStack(stack, presets);
  let n = 0;
  return planProject({
    root: "/project",
    stack,
    presets,
    reader: memoryReader(),
    stackText: createStackDocument(stack).toString(STACK_TEXT_OPTIONS),
    readme: true,
    allocatePort: async (preferred, taken) => {
      let port = preferred;
      while (taken.has(port)) port++;
      return port;
    },
    secret: () => `test-secret-${++n}`,
  });
}

/**
 * Expected files are stored with dotfiles as `_name` (`.env` -> `_env`), as create-vite does: a
 * stored `.gitignore` would make git ignore the golden `.env` beside it.
 */
export function storedPath(path: string): string {
  return path.split("/").map((seg) => (seg.startsWith(".") ? `_${seg.slice(1)}` : seg)).join("/");
}
