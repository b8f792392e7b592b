/**
 * The shipped templates (presets/ and templates/, *.hbs) compiled to code at build time, by the
 * text's contentHash: what Handlebars.precompile gives, with render-template.ts's options. Here
 * (tests run this file) it knows none, so every template is compiled when first rendered; the
 * bundled CLI gets the build's table instead (scripts/bundle.mjs), renders those through
 * Handlebars' runtime alone, and compiles only a template whose text is not in it (edited after the
 * build, or new).
 */
export function precompiledTemplate(_hash: string): object | undefined {
  return undefined;
}
