import { StackError, throwIfAny } from "../errors/stack-error.js";
import type { ErrorCode } from "../errors/error-codes.js";
import type { Project } from "../stack/load-project.js";
import type { Blame } from "../stack/parse-stack.js";
import { reparse } from "./reparse.js";
import type { ServiceConfig } from "../stack/stack-config.js";
import { setServiceInDocument } from "../stack/stack-document.js";
import { stackTextLike } from "../stack/stack-text.js";
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

/** The flag each key of the new service entry came from, for error messages. */
const FLAG_OF: Record<string, string> = {
  route: "--route",
  port: "--port",
  template: "--template",
  image: "--image",
  path: "--path",
  build: "--path",
  dockerfile: "--dockerfile",
  healthcheck: "--health-cmd/--health-http",
  depends_on: "--depends-on",
  env: "--env",
};

const DEFAULT_TEMPLATE = "python-http";

/**
 * The stack with one more service, as new stack.yaml text (the user's comments and order kept)
 * and the project re-read from it. This turns flags, and what is on disk at the service's
 * folder, into a service entry: every rule of stack.yaml is checked by validating the would-be
 * stack, and a problem the flags caused is reported under the flag's name. Nothing is written.
 *
 * Where the service comes from: --image runs an image; --template writes starter code; a folder
 * that already holds a Dockerfile (or --dockerfile) is built as it is; a new folder gets the
 * default starter.
 */
export function planAddService(project: Project, opts: AddServiceOptions): Project & { stackText: string } {
  const { presets } = project;
  const config = project.parsed.config;
  // Before anything is looked up by the name (an empty one names services/ itself; the rest
  // are the schema's to refuse, under the flag's name).
  if (opts.name === "" || /[/\\]|^\.\.?$/.test(opts.name)) {
    throw new StackError({ code: "E_INVALID_NAME", message: `service name ${JSON.stringify(opts.name)} is not a name`, hint: "use lowercase letters, digits and dashes, starting with a letter (e.g. billing)" });
  }
  // Adding is the one thing a stack.yaml cannot say is wrong: it would just hold the key twice.
  if (config.services[opts.name]) {
    throw new StackError({ code: "E_NAME_TAKEN", message: `a service named "${opts.name}" already exists`, hint: `choose another name, or remove it first: dev remove service ${opts.name}` });
  }
  const errors: StackError[] = [];
  const usage = (code: ErrorCode, message: string, hint?: string) => errors.push(new StackError({ code, message, hint }));
  const templates = presets.names("service").join(", ");

  // Flag combinations and what is on disk: questions of this command, not rules of stack.yaml.
  if (opts.template && opts.dockerfile) usage("E_TEMPLATE_AND_DOCKERFILE", "--template and --dockerfile cannot be used together", "a template writes its own Dockerfile; yours is built as it is: pick one");
  if (opts.image && opts.dockerfile) usage("E_IMAGE_AND_DOCKERFILE", "--image and --dockerfile cannot be used together", "an image runs as it is; a Dockerfile is built: pick one");
  // A path outside the project, or the project root, is for validation to refuse (under the
  // flag's name); what is on disk there is beside the point.
  const given = opts.path ?? opts.dockerfile;
  const outside = given !== undefined && (given.startsWith("/") || given === ".." || given.startsWith("../"));
  const atRoot = opts.path !== undefined && /^\.?\/*$/.test(opts.path);
  const source = outside ? undefined : opts.source;
  if (source?.symlinkTo !== undefined) {
    // A folder that points elsewhere (a hostile clone): nothing goes into it, nothing is built from it.
    throw new StackError({ code: "E_SYMLINK", message: `${source.path} is a symbolic link (to ${source.symlinkTo}); nothing was written`, hint: "create-stack writes only inside the project and does not follow links there: replace the link with a real folder" });
  }
  let kind: "image" | "template" | "build" = opts.image !== undefined ? "image" : opts.template ? "template" : "build";
  if (kind === "build" && !opts.dockerfile && (outside || atRoot)) kind = "template";
  else if (kind === "build" && !opts.dockerfile) {
    if (source?.exists && !source.isFolder) usage("E_PATH_NOT_FOLDER", `--path ${opts.path ?? source.path} is a file, not a folder`, "give the folder that holds the service's Dockerfile");
    else if (source?.exists && !source.hasDockerfile) {
      usage("E_NO_DOCKERFILE", `${source.path} exists but has no Dockerfile`, `add a Dockerfile to it, pass --dockerfile PATH, or write starter code into it with --template (${templates})`);
    } else if (!source?.exists && opts.path !== undefined) {
      usage("E_PATH_MISSING", `--path ${opts.path} does not exist`, `create it from a template: add --template (${templates}); or point --path at the folder of your service`);
    } else if (!source?.exists) kind = "template";
  }
  if (kind === "build" && opts.dockerfile && opts.path !== undefined && source && !source.exists) {
    usage("E_PATH_MISSING", `--path ${source.path} does not exist`, "point --path at the folder to build from (the Dockerfile's context)");
  }
  if (kind === "build" && opts.dockerfile && source?.dockerfile && !source.dockerfile.exists) {
    usage("E_DOCKERFILE_MISSING", `--dockerfile ${source.dockerfile.path} does not exist`, "give the path of your Dockerfile, relative to the project root");
  }
  if (opts.healthCmd !== undefined && opts.healthHttp !== undefined) usage("E_HEALTH_BOTH", "--health-cmd and --health-http cannot be used together", "pick one");
  const env: Record<string, string> = {};
  for (const pair of opts.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) usage("E_ENV_INVALID", `--env "${pair}" is not KEY=VALUE`, "e.g. --env LOG_LEVEL=debug");
    else env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  throwIfAny(errors);

  const template = kind === "template" ? (opts.template ?? DEFAULT_TEMPLATE) : undefined;
  const preset = template ? presets.get(template) : undefined;
  const port = opts.port ?? preset?.defaults?.port ?? (kind === "build" ? source?.exposedPort : undefined);
  let svc: ServiceConfig;
  if (kind === "image") {
    // Both given: validation says which to keep.
    svc = opts.template ? { template: opts.template, image: opts.image } : { image: opts.image };
    if (opts.path !== undefined) svc.path = (outside ? opts.path : source?.path) ?? opts.path;
  } else if (kind === "template") {
    svc = { template, path: (outside ? opts.path : source?.path) ?? opts.path ?? `services/${opts.name}` };
  } else {
    const dockerfile = (outside ? undefined : source?.dockerfile?.path) ?? opts.dockerfile;
    const context = source && (opts.path !== undefined || !dockerfile) ? source.path : dockerfile ? parentOf(dockerfile) : `services/${opts.name}`;
    svc = { build: context };
    if (dockerfile && dockerfile !== `${context}/Dockerfile`) svc.dockerfile = dockerfile;
  }
  if (port !== undefined) svc.port = port;
  if (opts.route !== undefined) svc.route = opts.route;
  if (opts.healthCmd !== undefined) svc.healthcheck = { command: opts.healthCmd };
  if (opts.healthHttp !== undefined) svc.healthcheck = { http: opts.healthHttp };
  // One rule, as create-stack and dev add preset: a service from a template depends on the stack's
  // add-ons (postgres, redis) and so gets their connection URLs; --depends-on replaces the list.
  const addons = config.presets.filter((p) => presets.get(p)?.kind === "addon" && p !== opts.name);
  const deps = opts.dependsOn ?? (template ? [...new Set([...addons, ...(preset?.requires ?? [])])] : undefined);
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
  return reparse(project, stackTextLike(doc, project.parsed.text), blame);
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : ".";
}
