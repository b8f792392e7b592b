import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { contentHash } from "../fs/content-hash.js";
import { TEMPLATES_DIR } from "../fs/package-paths.js";
import { precompiledTemplate } from "./precompiled-templates.js";

// Loaded on first render: a command that renders no template (dev export) skips its module tree.
// A shipped template comes compiled (precompiled-templates.ts) and needs Handlebars' runtime only;
// the compiler, with its parser and source maps, is loaded for any other.
const load = createRequire(import.meta.url);
/** The Handlebars environments of the whole program: the runtime's, and the compiler's. */
let runtime: typeof Handlebars | undefined;
let hbs: typeof Handlebars | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>();
/** Strict, so a missing variable is an error; text, never HTML, so nothing is escaped. */
export const TEMPLATE_OPTIONS = { strict: true, noEscape: true };

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

/** A template's text and, with its partials', what the build compiled of them (all or none). */
function precompiledWithPartials(text: string, partials = new Map<string, object>()): { spec: object; partials: Map<string, object> } | undefined {
  const spec = precompiledTemplate(contentHash(text));
  if (!spec) return undefined;
  for (const name of partialsOf(text)) {
    if (partials.has(name)) continue;
    const found = precompiledWithPartials(readFileSync(templatePath(TEMPLATES_DIR, name), "utf8"), partials);
    if (!found) return undefined;
    partials.set(name, found.spec);
  }
  return { spec, partials };
}

function registerPartials(env: typeof Handlebars, text: string): void {
  for (const name of partialsOf(text)) {
    if (env.partials[name]) continue;
    const partial = readFileSync(templatePath(TEMPLATES_DIR, name), "utf8");
    env.registerPartial(name, env.compile(partial, TEMPLATE_OPTIONS));
    registerPartials(env, partial);
  }
}

function compileTemplate(text: string): HandlebarsTemplateDelegate {
  const ready = precompiledWithPartials(text);
  if (ready) {
    const env = (runtime ??= (load("handlebars/runtime") as typeof Handlebars).create());
    for (const [name, spec] of ready.partials) if (!env.partials[name]) env.registerPartial(name, env.template(spec as TemplateSpecification));
    return env.template(ready.spec as TemplateSpecification);
  }
  hbs ??= (load("handlebars") as typeof Handlebars).create();
  registerPartials(hbs, text);
  return hbs.compile(text, TEMPLATE_OPTIONS);
}

/** Renders free text (Dockerfiles, starter code, nginx config, READMEs). Never YAML. */
export function renderTemplate(file: string, context: object): string {
  let template = compiled.get(file);
  if (!template) {
    template = compileTemplate(readFileSync(file, "utf8"));
    compiled.set(file, template);
  }
  return template(context);
}
