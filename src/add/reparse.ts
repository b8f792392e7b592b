import { resolveServices } from "../plan/resolve-services.js";
import type { Project } from "../stack/load-project.js";
import { parseStack } from "../stack/parse-stack.js";
import { validateStack } from "../stack/validate-stack.js";

/** The project as it would be with this stack.yaml text: the same checks as loading it from disk. */
export function reparse(project: Project, stackText: string): Project & { stackText: string } {
  const parsed = parseStack(stackText, project.parsed.file);
  validateStack(parsed.config, project.presets, parsed);
  return { ...project, parsed, services: resolveServices(parsed.config, project.presets), stackText };
}
