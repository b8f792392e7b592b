import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { TEMPLATES_DIR } from "../fs/package-paths.js";

// Loaded on first render: a command that renders no template (dev export) skips its module tree.
const load = createRequire(import.meta.url);
/** One Handlebars environment for the whole program; strict, so a missing variable is an error. */
let hbs: typeof Handlebars | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Resolves a preset file's template: `@/x` is templates/x, anything else is beside the preset. */
export function templatePath(presetDir: string, template: string): string {
  return template.startsWith("@/") ? join(TEMPLATES_DIR, template.slice(2)) : join(presetDir, template);
}

/** Renders free text (Dockerfiles, starter code, nginx config, READMEs). Never YAML. */
export function renderTemplate(file: string, context: object): string {
  let template = compiled.get(file);
  if (!template) {
    hbs ??= (load("handlebars") as typeof Handlebars).create();
    template = hbs.compile(readFileSync(file, "utf8"), { strict: true, noEscape: true });
    compiled.set(file, template);
  }
  return template(context);
}
