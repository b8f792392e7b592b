import type { LineCounter, Document } from "yaml";
import { StackError, throwIfAny, type ErrorCode, type SourceLocation } from "../errors/stack-error.js";
import type { PresetRegistry } from "../presets/load-presets.js";
import { presetServiceNames } from "../presets/preset-services.js";
import { envValueProblem, ENV_VALUE_HINT } from "./env-value.js";
import { IMAGE_HINT, imageReferenceProblem } from "./image-reference.js";
import { routeProblem } from "./route.js";
import type { Blame } from "./parse-stack.js";
import { pathProblem, yaml11Problem, type StackConfig } from "./stack-config.js";
import { locate } from "./yaml-location.js";

export interface StackSource {
  doc: Document;
  lineCounter: LineCounter;
  file: string;
}

/**
 * Cross-reference checks the schema cannot express: presets exist and fit together, templates
 * exist, routes are well formed and unique, dependencies name something. All problems are
 * reported at once, each at its place in stack.yaml when the source is known.
 */
export function validateStack(config: StackConfig, presets: PresetRegistry, source?: StackSource, blame?: Blame): void {
  const errors: StackError[] = [];
  const loc = (path: (string | number)[], which: "key" | "value" = "value"): SourceLocation =>
    source ? locate(source.doc, source.lineCounter, source.file, path, which) : { file: "stack.yaml" };
  // A problem a flag caused is reported as that flag's (the user did not write that stack.yaml line).
  const fail = (code: ErrorCode, message: string, path: (string | number)[], hint?: string, which?: "key" | "value") => {
    const flag = blame?.(path);
    errors.push(flag ? new StackError({ code, message: `${flag}: ${message}`, hint }) : new StackError({ code, message, hint, location: loc(path, which) }));
  };

  const nameProblem = yaml11Problem(config.name);
  if (nameProblem) fail("E_INVALID_NAME", `project name ${nameProblem}`, ["name"], "choose another name");

  for (const [from, to] of Object.entries(config.images)) {
    const keyProblem = imageReferenceProblem(from);
    if (keyProblem) fail("E_IMAGE_INVALID", `images: ${keyProblem}`, ["images", from], IMAGE_HINT, "key");
    const valueProblem = imageReferenceProblem(to);
    if (valueProblem) fail("E_IMAGE_INVALID", `images: ${valueProblem}`, ["images", from], IMAGE_HINT);
  }

  const addonServices = new Set(presetServiceNames(config.presets, presets));
  const usable = presets.names().filter((n) => presets.get(n)!.kind !== "service");
  config.presets.forEach((name, i) => {
    const preset = presets.get(name);
    if (!preset) {
      return fail("E_UNKNOWN_PRESET", `unknown preset "${name}"`, ["presets", i], `known presets: ${usable.join(", ")}`);
    }
    if (preset.kind === "service") {
      return fail("E_PRESET_KIND", `"${name}" is a service template, not a preset to list here`, ["presets", i],
        `add it under services: with template: ${name} (or run: dev add service ${preset.defaults?.name ?? name} --template ${name})`);
    }
    for (const other of preset.conflicts) {
      if (config.presets.includes(other) && name < other) {
        fail("E_PRESET_CONFLICT", `presets "${name}" and "${other}" cannot be used together`, ["presets", i], `keep one of ${name} and ${other}`);
      }
    }
  });
  const proxies = config.presets.filter((p) => presets.get(p)?.kind === "proxy");
  if (proxies.length > 1) {
    fail("E_PRESET_CONFLICT", `presets ${proxies.map((p) => `"${p}"`).join(" and ")} cannot be used together`, ["presets", config.presets.indexOf(proxies[1]!)],
      `a stack has one proxy: keep one of ${proxies.join(", ")}`);
  }

  const serviceNames = Object.keys(config.services);
  const routes = new Map<string, string>();
  const hasProxy = config.proxy !== undefined || config.presets.some((p) => presets.get(p)?.kind === "proxy");
  for (const [name, svc] of Object.entries(config.services)) {
    const at = (key: string) => ["services", name, key];
    const problem = yaml11Problem(name);
    if (problem) fail("E_INVALID_NAME", `service name ${problem}`, ["services", name], "choose another name", "key");
    if (addonServices.has(name)) {
      fail("E_NAME_TAKEN", `service name "${name}" is taken by a preset's service`, ["services", name], "choose another name", "key");
    }
    const sources = (["template", "image", "build"] as const).filter((k) => svc[k] !== undefined);
    if (sources.length > 1 && !svc.adopted) {
      fail(sources.includes("image") && sources.includes("template") ? "E_TEMPLATE_AND_IMAGE" : "E_SOURCE_CONFLICT",
        `service "${name}" sets both ${sources[0]} and ${sources[1]}`, at(sources[1]!),
        "keep one: a template builds starter code, build uses your own Dockerfile, an image runs as is");
    }
    if (sources.length === 0 && !svc.adopted) {
      fail("E_NO_TEMPLATE", `service "${name}" needs a template, a build folder or an image`, ["services", name],
        `templates: ${presets.names("service").join(", ")}; or build: FOLDER with your own Dockerfile`, "key");
    }
    if (svc.dockerfile !== undefined && svc.build === undefined) {
      fail("E_DOCKERFILE_WITHOUT_BUILD", `service "${name}" sets dockerfile without build`, at("dockerfile"), "add build: with the folder to build from");
    }
    if (svc.healthcheck?.http !== undefined && svc.port === undefined) {
      fail("E_HEALTH_NO_PORT", `service "${name}" has an HTTP healthcheck but no port`, at("healthcheck"), "set port: to the port the service listens on");
    }
    if (svc.image !== undefined && !svc.adopted) {
      const problem = imageReferenceProblem(svc.image);
      if (problem) fail("E_IMAGE_INVALID", `service "${name}": ${problem}`, at("image"), IMAGE_HINT);
    }
    for (const key in svc.env) {
      const problem = envValueProblem(key, svc.env[key]!);
      if (problem) fail("E_ENV_VALUE_INVALID", `service "${name}": ${problem}`, ["services", name, "env", key], ENV_VALUE_HINT);
    }
    const template = svc.template ? presets.get(svc.template) : undefined;
    if (svc.template && template?.kind !== "service") {
      fail("E_UNKNOWN_TEMPLATE", `unknown template "${svc.template}" for service "${name}"`, at("template"),
        `templates: ${presets.names("service").join(", ")}`);
    }
    for (const req of template?.requires ?? []) {
      if (!config.presets.includes(req)) {
        fail("E_PRESET_REQUIRED", `template "${svc.template}" of service "${name}" needs the ${req} preset`, at("template"),
          `add ${req} to presets: (or run: dev add preset ${req})`);
      }
    }
    const paths: [string | undefined, string][] = [[svc.path, "path"], [svc.build, "build"], [svc.dockerfile, "dockerfile"], ...(svc.watch ?? []).map((w): [string, string] => [w, "watch"])];
    for (const [p, key] of paths) {
      const why = p === undefined ? undefined : pathProblem(p);
      if (why === "outside") {
        fail("E_PATH_OUTSIDE", `service "${name}": ${key} "${p}" must stay inside the project`, at(key),
          "use a path relative to the folder of stack.yaml");
      } else if (why === "root" && key === "path" && svc.template) {
        fail("E_PATH_ROOT", `service "${name}": path "${p}" is the project root`, at("path"),
          "starter files would land beside stack.yaml and .env would be copied into the image: use a folder such as services/" + name);
      }
    }
    if (svc.route !== undefined) {
      const problem = routeProblem(svc.route);
      if (problem) fail("E_ROUTE_INVALID", problem, at("route"), "a route is the path prefix the proxy sends to the service, e.g. /api or /shop/v2");
      else if (routes.has(svc.route)) {
        fail("E_ROUTE_DUPLICATE", `route ${svc.route} is used by both "${routes.get(svc.route)}" and "${name}"`, at("route"),
          "give each service its own prefix; nested prefixes such as /api and /api/admin are fine");
      } else routes.set(svc.route, name);
      if (!hasProxy) {
        fail("E_ROUTE_NO_PROXY", `service "${name}" has a route but the stack has no proxy`, at("route"),
          `add a proxy (${presets.names("proxy").join(", ")}) to presets:, or remove the route`);
      }
      if (svc.port === undefined && !template?.defaults?.port && !svc.adopted) {
        fail("E_ROUTE_NO_PORT", `service "${name}" has a route but no port`, at("route"), "set port: to the port the service listens on");
      }
    }
    (svc.depends_on ?? []).forEach((dep, i) => {
      const known = serviceNames.includes(dep) || dep === config.proxy?.service || config.presets.includes(dep) || addonServices.has(dep);
      if (!known) {
        fail("E_UNKNOWN_DEPENDENCY", `service "${name}" depends on "${dep}", which is neither a service nor a preset`,
          ["services", name, "depends_on", i], `services: ${serviceNames.join(", ")}; presets: ${config.presets.join(", ") || "none"}`);
      } else if (dep === name) {
        fail("E_SELF_DEPENDENCY", `service "${name}" depends on itself`, ["services", name, "depends_on", i]);
      }
    });
  }
  throwIfAny(errors);
}
