import { resolveServices } from "../plan/resolve-services.js";
import type { Project } from "../stack/load-project.js";
import { parseStack, type Blame } from "../stack/parse-stack.js";
import { validateStack } from "../stack/validate-stack.js";

/**
 * The project as it would be with this stack.yaml text: the same checks as loading it from disk.
 * `blame` names the flag behind a problem when a command built the text from flags.
 */
export function reparse(project: Project, stackText: string, blame?: Blame): Project & { stackText: string } {
  const parsed = parseStack(stackText, project.parsed.file, blame);
  validateStack(parsed.config, project.presets, parsed, blame);
  return { ...project, parsed, services: resolveServices(parsed.config, project.presets), stackText };
}
