import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadPresets, type PresetRegistry } from "../presets/load-presets.js";
import { resolveServices, type ResolvedService } from "./resolve-services.js";
import { findStackRoot, STACK_FILE } from "./find-stack.js";
import { parseStack, type ParsedStack } from "./parse-stack.js";
import { validateStack } from "./validate-stack.js";
import { decodeStackText } from "./decode-stack-text.js";

export interface Project {
  root: string;
  stackFile: string;
  parsed: ParsedStack;
  presets: PresetRegistry;
  services: ResolvedService[];
}

/** Finds, parses and validates stack.yaml; every `dev` command starts here. */
export function loadProject(cwd: string): Project {
  const root = findStackRoot(cwd);
  const stackFile = join(root, STACK_FILE);
  const shown = relative(process.cwd(), stackFile) || STACK_FILE;
  const parsed = parseStack(decodeStackText(readFileSync(stackFile), shown), shown);
  const presets = loadPresets();
  validateStack(parsed.config, presets, parsed);
  return { root, stackFile, parsed, presets, services: resolveServices(parsed.config, presets) };
}
