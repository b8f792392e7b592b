import { StackError, throwIfAny } from "../errors/stack-error.js";
import { checkName } from "../create/build-stack-config.js";
import { presetServiceNames } from "../presets/preset-services.js";
import type { Project } from "../stack/load-project.js";
import { reparse } from "./reparse.js";
import { routeProblem } from "../stack/route.js";
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

/**
 * The stack with one more service, as new stack.yaml text (the user's comments and order kept)
 * and the project re-read from it. Every rule of stack.yaml applies; nothing is written here.
 */
export function planAddService(project: Project, opts: AddServiceOptions): Project & { stackText: string } {
  const { presets } = project;
  const config = project.parsed.config;
  checkName(opts.name, "service name");
  const errors: StackError[] = [];
  const usage = (code: string, message: string, hint?: string) => errors.push(new StackError({ code, message, hint }));

  const presetServices = presetServiceNames(config.presets, presets);
  if (config.services[opts.name] || presetServices.includes(opts.name)) {
    usage("E_NAME_TAKEN", `a service named "${opts.name}" already exists`, "choose another name, or remove it first: dev remove service " + opts.name);
  }
  if (opts.template && opts.image) usage("E_TEMPLATE_AND_IMAGE", "--template and --image cannot be used together", "a template builds starter code; an image runs as it is: pick one");
  const template = opts.image ? undefined : (opts.template ?? "python-http");
  const preset = template ? presets.get(template) : undefined;
  if (template && preset?.kind !== "service") {
    usage("E_UNKNOWN_TEMPLATE", `unknown template "${template}"`, `templates: ${presets.names("service").join(", ")}`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    usage("E_PORT_RANGE", `--port ${opts.port} is not a port (1-65535)`);
  }
  const problem = opts.route !== undefined ? routeProblem(opts.route) : undefined;
  if (problem) usage("E_ROUTE_INVALID", problem);
  const taken = Object.entries(config.services).find(([, s]) => s.route !== undefined && s.route === opts.route);
  if (opts.route && taken) usage("E_ROUTE_DUPLICATE", `route ${opts.route} is already served by "${taken[0]}"`, "choose another prefix; nested prefixes such as /api/admin next to /api are fine");
  const known = [...Object.keys(config.services), ...config.presets, ...presetServices];
  for (const dep of opts.dependsOn ?? []) {
    if (!known.includes(dep)) usage("E_UNKNOWN_DEPENDENCY", `--depends-on "${dep}" names no service or preset`, `known: ${known.join(", ")}`);
  }
  const env: Record<string, string> = {};
  for (const pair of opts.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pair.slice(0, eq))) usage("E_ENV_INVALID", `--env "${pair}" is not KEY=VALUE`, "e.g. --env LOG_LEVEL=debug");
    else env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (opts.route && opts.image && opts.port === undefined) usage("E_ROUTE_NO_PORT", "a routed image service needs --port (the port it listens on)");
  throwIfAny(errors);

  const svc: ServiceConfig = template ? { template } : { image: opts.image };
  if (template) svc.path = opts.path ?? `services/${opts.name}`;
  else if (opts.path) svc.path = opts.path;
  const port = opts.port ?? preset?.defaults?.port;
  if (port !== undefined) svc.port = port;
  if (opts.route) svc.route = opts.route;
  // One rule, as create-stack and dev add preset: a service from a template depends on the stack's
  // add-ons (postgres, redis) and so gets their connection URLs; --depends-on replaces the list.
  const addons = config.presets.filter((p) => presets.get(p)?.kind === "addon");
  const deps = opts.dependsOn ?? (template ? [...new Set([...addons, ...(preset?.requires ?? [])])] : undefined);
  if (deps?.length) svc.depends_on = deps;
  if (Object.keys(env).length) svc.env = env;

  const spliced = spliceAddService(project.parsed.text, project.parsed.doc, opts.name, svc);
  if (spliced !== undefined) return reparse(project, spliced);
  const doc = project.parsed.doc.clone();
  setServiceInDocument(doc, opts.name, svc);
  return reparse(project, doc.toString(STACK_TEXT_OPTIONS));
}
