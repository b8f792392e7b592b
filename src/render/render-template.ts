import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { TEMPLATES_DIR } from "../fs/package-paths.js";

/** One Handlebars environment for the whole program; strict, so a missing variable is an error. */
const hbs = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Resolves a preset file's template: `@/x` is templates/x, anything else is beside the preset. */
export function templatePath(presetDir: string, template: string): string {
  return template.startsWith("@/") ? join(TEMPLATES_DIR, template.slice(2)) : join(presetDir, template);
}

/** Renders free text (Dockerfiles, starter code, nginx config, READMEs). Never YAML. */
export function renderTemplate(file: string, context: object): string {
  let template = compiled.get(file);
  if (!template) {
    template = hbs.compile(readFileSync(file, "utf8"), { strict: true, noEscape: true });
    compiled.set(file, template);
  }
  return template(context);
}
