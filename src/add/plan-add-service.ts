import { StackError } from "../errors/stack-error.js";
import type { Project } from "../stack/load-project.js";
import type { Blame } from "../stack/parse-stack.js";
import { reparse } from "./reparse.js";
import type { ServiceConfig } from "../stack/stack-config.js";
import { setServiceInDocument, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import { spliceAddService } from "../stack/splice-stack.js";

export interface AddServiceOptions {
  name: string;
  route?: string;
  port?: number;
  template?: string;
  image?: string;
  path?: string;
  dependsOn?: string[];
  env?: string[];
}

/** The flag each key of the new service entry came from, for error messages. */
const FLAG_OF: Record<string, string> = {
  route: "--route",
  port: "--port",
  template: "--template",
  image: "--image",
  path: "--path",
  depends_on: "--depends-on",
  env: "--env",
};

/**
 * The stack with one more service, as new stack.yaml text (the user's comments and order kept)
 * and the project re-read from it. This only turns flags into a service entry: every rule of
 * stack.yaml is checked by validating the would-be stack, and a problem the flags caused is
 * reported under the flag's name. Nothing is written here.
 */
export function planAddService(project: Project, opts: AddServiceOptions): Project & { stackText: string } {
  const { presets } = project;
  const config = project.parsed.config;
  // Adding is the one thing a stack.yaml cannot say is wrong: it would just hold the key twice.
  if (config.services[opts.name]) {
    throw new StackError({ code: "E_NAME_TAKEN", message: `a service named "${opts.name}" already exists`, hint: `choose another name, or remove it first: dev remove service ${opts.name}` });
  }
  const env: Record<string, string> = {};
  for (const pair of opts.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new StackError({ code: "E_ENV_INVALID", message: `--env "${pair}" is not KEY=VALUE`, hint: "e.g. --env LOG_LEVEL=debug" });
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }

  const template = opts.template ?? (opts.image === undefined ? "python-http" : undefined);
  const preset = template ? presets.get(template) : undefined;
  const svc: ServiceConfig = {};
  if (template) svc.template = template;
  if (opts.image !== undefined) svc.image = opts.image;
  if (opts.path !== undefined) svc.path = opts.path;
  else if (template) svc.path = `services/${opts.name}`;
  const port = opts.port ?? preset?.defaults?.port;
  if (port !== undefined) svc.port = port;
  if (opts.route !== undefined) svc.route = opts.route;
  const deps = opts.dependsOn ?? (preset?.requires.length ? preset.requires : undefined);
  if (deps?.length) svc.depends_on = deps;
  if (Object.keys(env).length) svc.env = env;

  const blame: Blame = (path) => {
    if (path[0] !== "services" || path[1] !== opts.name) return undefined;
    if (path.length === 2) return `dev add service ${opts.name}`;
    const key = String(path[2]);
    // A default the command filled in (the template's port, its required presets) is not a flag.
    if (key === "port" && opts.port === undefined) return opts.route !== undefined ? "--route" : "--port";
    if (key === "template" && opts.template === undefined) return opts.image !== undefined ? "--image" : "--template";
    return FLAG_OF[key] ?? `service "${opts.name}"`;
  };
  const spliced = spliceAddService(project.parsed.text, project.parsed.doc, opts.name, svc);
  if (spliced !== undefined) return reparse(project, spliced, blame);
  const doc = project.parsed.doc.clone();
  setServiceInDocument(doc, opts.name, svc);
  return reparse(project, doc.toString(STACK_TEXT_OPTIONS), blame);
}
