import { StackError, throwIfAny } from "../errors/stack-error.js";
import { checkName } from "../create/build-stack-config.js";
import { presetServiceNames } from "../presets/preset-services.js";
import type { Project } from "../stack/load-project.js";
import { reparse } from "./reparse.js";
import { routeProblem } from "../stack/route.js";
import type { ServiceConfig } from "../stack/stack-config.js";
import { setServiceInDocument, STACK_TEXT_OPTIONS } from "../stack/stack-document.js";
import { spliceAddService } from "../stack/splice-stack.js";
import type { SourceFacts } from "./look-at-source.js";

export interface AddServiceOptions {
  name: string;
  route?: string;
  port?: number;
  template?: string;
  image?: string;
  path?: string;
  /** Own Dockerfile (project-relative), when it is not `<path>/Dockerfile`. */
  dockerfile?: string;
  healthCmd?: string;
  healthHttp?: string;
  dependsOn?: string[];
  env?: string[];
  /** What is on disk at the service's folder (see lookAtSource); without it, a folder is taken as new. */
  source?: SourceFacts;
}

const DEFAULT_TEMPLATE = "python-http";
const HEALTH_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * The stack with one more service, as new stack.yaml text (the user's comments and order kept)
 * and the project re-read from it. Every rule of stack.yaml applies; nothing is written here.
 *
 * Where the service comes from: --image runs an image; --template writes starter code; a folder
 * that already holds a Dockerfile (or --dockerfile) is built as it is; a new folder gets the
 * default starter.
 */
export function planAddService(project: Project, opts: AddServiceOptions): Project & { stackText: string } {
  const { presets } = project;
  const config = project.parsed.config;
  checkName(opts.name, "service name");
  const errors: StackError[] = [];
  const usage = (code: string, message: string, hint?: string) => errors.push(new StackError({ code, message, hint }));
  const templates = presets.names("service").join(", ");

  const presetServices = presetServiceNames(config.presets, presets);
  if (config.services[opts.name] || presetServices.includes(opts.name)) {
    usage("E_NAME_TAKEN", `a service named "${opts.name}" already exists`, "choose another name, or remove it first: dev remove service " + opts.name);
  }
  if (opts.template && opts.image) usage("E_TEMPLATE_AND_IMAGE", "--template and --image cannot be used together", "a template builds starter code; an image runs as it is: pick one");
  if (opts.template && opts.dockerfile) usage("E_TEMPLATE_AND_DOCKERFILE", "--template and --dockerfile cannot be used together", "a template writes its own Dockerfile; yours is built as it is: pick one");
  if (opts.image && opts.dockerfile) usage("E_IMAGE_AND_DOCKERFILE", "--image and --dockerfile cannot be used together", "an image runs as it is; a Dockerfile is built: pick one");

  let outside = false;
  for (const [flag, p] of [["--path", opts.source?.path ?? opts.path], ["--dockerfile", opts.source?.dockerfile?.path ?? opts.dockerfile]] as const) {
    if (p !== undefined && (p.startsWith("/") || p === ".." || p.startsWith("../"))) {
      usage("E_PATH_OUTSIDE", `${flag} ${p} is outside the project`, "services live inside the project folder (the folder of stack.yaml); move or copy it in");
      outside = true;
    }
  }
  // What is there is beside the point for a path we refuse.
  const source = outside ? undefined : opts.source;

  // Which kind of service this is.
  let kind: "image" | "template" | "build" = opts.image ? "image" : opts.template ? "template" : "build";
  if (kind === "build" && !opts.dockerfile && !outside) {
    if (source?.exists && !source.isFolder) usage("E_PATH_NOT_FOLDER", `--path ${source.path} is a file, not a folder`, "give the folder that holds the service's Dockerfile");
    else if (source?.exists && !source.hasDockerfile) {
      usage("E_NO_DOCKERFILE", `${source.path} exists but has no Dockerfile`,
        `add a Dockerfile to it, pass --dockerfile PATH, or write starter code into it with --template (${templates})`);
    } else if (!source?.exists && opts.path !== undefined) {
      usage("E_PATH_MISSING", `--path ${source?.path ?? opts.path} does not exist`,
        `create it from a template: add --template (${templates}); or point --path at the folder of your service`);
    } else if (!source?.exists) kind = "template";
  }
  if (kind === "build" && opts.dockerfile && opts.path !== undefined && source && !source.exists) {
    usage("E_PATH_MISSING", `--path ${source.path} does not exist`, "point --path at the folder to build from (the Dockerfile's context)");
  }
  if (kind === "build" && opts.dockerfile && source?.dockerfile && !source.dockerfile.exists) {
    usage("E_DOCKERFILE_MISSING", `--dockerfile ${source.dockerfile.path} does not exist`, "give the path of your Dockerfile, relative to the project root");
  }
  const template = kind === "template" ? (opts.template ?? DEFAULT_TEMPLATE) : undefined;
  const preset = template ? presets.get(template) : undefined;
  if (template && preset?.kind !== "service") usage("E_UNKNOWN_TEMPLATE", `unknown template "${template}"`, `templates: ${templates}`);

  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    usage("E_PORT_RANGE", `--port ${opts.port} is not a port (1-65535)`);
  }
  const port = opts.port ?? preset?.defaults?.port ?? (kind === "build" ? source?.exposedPort : undefined);
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
  if (opts.route && kind !== "template" && port === undefined) {
    usage("E_ROUTE_NO_PORT", `a routed ${kind === "image" ? "image" : "own-Dockerfile"} service needs --port (the port it listens on)`);
  }
  if (opts.healthCmd !== undefined && opts.healthHttp !== undefined) usage("E_HEALTH_BOTH", "--health-cmd and --health-http cannot be used together", "pick one");
  if (opts.healthCmd !== undefined && !opts.healthCmd.trim()) usage("E_HEALTH_CMD", "--health-cmd is empty", "e.g. --health-cmd 'test -f /tmp/ready'");
  if (opts.healthHttp !== undefined && !HEALTH_PATH.test(opts.healthHttp)) {
    usage("E_HEALTH_HTTP", `--health-http "${opts.healthHttp}" is not a path`, "e.g. --health-http /health (letters, digits, -, _, ., ~ and /)");
  }
  if (opts.healthHttp !== undefined && port === undefined) usage("E_HEALTH_NO_PORT", "--health-http needs --port (the port it listens on)");
  throwIfAny(errors);

  let svc: ServiceConfig;
  if (kind === "image") {
    svc = { image: opts.image };
    if (opts.path) svc.path = source?.path ?? opts.path;
  } else if (kind === "template") {
    svc = { template, path: source?.path ?? opts.path ?? `services/${opts.name}` };
  } else {
    const dockerfile = source?.dockerfile?.path ?? opts.dockerfile;
    const context = source && (opts.path !== undefined || !dockerfile) ? source.path : dockerfile ? parentOf(dockerfile) : `services/${opts.name}`;
    svc = { build: context };
    if (dockerfile && dockerfile !== `${context}/Dockerfile`) svc.dockerfile = dockerfile;
  }
  if (port !== undefined) svc.port = port;
  if (opts.route) svc.route = opts.route;
  if (opts.healthCmd !== undefined) svc.healthcheck = { command: opts.healthCmd };
  if (opts.healthHttp !== undefined) svc.healthcheck = { http: opts.healthHttp };
  const deps = opts.dependsOn ?? (preset?.requires.length ? preset.requires : undefined);
  if (deps?.length) svc.depends_on = deps;
  if (Object.keys(env).length) svc.env = env;

  const spliced = spliceAddService(project.parsed.text, project.parsed.doc, opts.name, svc);
  if (spliced !== undefined) return reparse(project, spliced);
  const doc = project.parsed.doc.clone();
  setServiceInDocument(doc, opts.name, svc);
  return reparse(project, doc.toString(STACK_TEXT_OPTIONS));
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : ".";
}
