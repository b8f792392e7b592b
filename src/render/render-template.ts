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
const OPTIONS = { strict: true, noEscape: true };

/** Resolves a preset file's template: `@/x` is templates/x, anything else is beside the preset. */
export function templatePath(presetDir: string, template: string): string {
  return template.startsWith("@/") ? join(TEMPLATES_DIR, template.slice(2)) : join(presetDir, template);
}

/**
 * The shared templates a template includes, `{{> "@/python/x.hbs"}}`: code several presets write
 * into their own files (each project still gets one self-contained file), kept once in templates/.
 */
export function partialsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{~?>\s*"(@\/[^"]+)"/g)].map((m) => m[1]!))];
}

function registerPartials(env: typeof Handlebars, text: string): void {
  for (const name of partialsOf(text)) {
    if (env.partials[name]) continue;
    const partial = readFileSync(templatePath(TEMPLATES_DIR, name), "utf8");
    env.registerPartial(name, env.compile(partial, OPTIONS));
    registerPartials(env, partial);
  }
}

/** Renders free text (Dockerfiles, starter code, nginx config, READMEs). Never YAML. */
export function renderTemplate(file: string, context: object): string {
  let template = compiled.get(file);
  if (!template) {
    hbs ??= (load("handlebars") as typeof Handlebars).create();
    const text = readFileSync(file, "utf8");
    registerPartials(hbs, text);
    template = hbs.compile(text, OPTIONS);
    compiled.set(file, template);
  }
  return template(context);
}
