/**
 * The shape of stack.yaml once parsed and validated. stack.yaml is the source of truth: compose
 * layers, proxy config and .env entries are all derived from it.
 */
export interface StackConfig {
  /** Schema version of stack.yaml. */
  version: 1;
  /** Project name: the compose project name and the prefix of proxy router names. */
  name: string;
  /** An adopted project's own compose files, in merge order; never written by create-stack. */
  compose?: string[];
  /** An adopted project's own proxy service. */
  proxy?: AdoptedProxyConfig;
  /** Add-on, proxy and tool presets (postgres, redis, traefik, nginx, jumpbox, ...). */
  presets: string[];
  /** Application services, in the order the user keeps them. */
  services: Record<string, ServiceConfig>;
  /** Image overrides: image named by a preset or template -> image to use instead. */
  images: Record<string, string>;
  /** Healthcheck timing applied to every generated healthcheck. */
  health: HealthTiming;
  /** Extra ignore globs for the watcher, relative to the project root. */
  ignore: string[];
  /** dev lint settings: rules turned off for this project. */
  lint?: { disable?: string[] };
}

export interface AdoptedProxyConfig {
  kind: "traefik" | "nginx";
  service: string;
  /** The nginx config file it mounts, project-relative. */
  config?: string;
}

export interface HealthTiming {
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

export interface ServiceConfig {
  /** Starter template (a service preset: python-http, fastapi, worker). Exclusive with image. */
  template?: string;
  /** Existing image to run instead of a template. */
  image?: string;
  /**
   * Build context of a service that brings its own Dockerfile, built as it is (nothing is written
   * into the folder, no build argument added). Exclusive with template and image.
   */
  build?: string;
  /** Its Dockerfile, project-relative, when it is not `<build>/Dockerfile`. */
  dockerfile?: string;
  /** Healthcheck of a build or image service: a shell command, or an HTTP path on its port. */
  healthcheck?: { command?: string; http?: string };
  /** Source directory, relative to the project root; the build context for templates. */
  path?: string;
  /** Port the app listens on inside the container. */
  port?: number;
  /** Path prefix routed to this service through the stack's proxy. */
  route?: string;
  /** Strip the route prefix before forwarding (the app serves at `/`). Default true. */
  strip_prefix?: boolean;
  depends_on?: string[];
  env?: Record<string, string>;
  /** Extra watch paths (project-relative) whose changes restart this service too. */
  watch?: string[];
  /**
   * How `dev up` applies a code change. true: the service reloads itself, `dev up` leaves it
   * alone. false or absent (the default) or "process": restart the app's process inside its
   * container (a container restart when its command is unknown). "container": restart the container.
   */
  reload?: boolean | "process" | "container";
  /** Where the dev up dashboard lists it (default: by kind). */
  group?: string;
  /** Command to run in development instead of the image's. */
  command?: string[];
  /** How long a stop waits before killing (e.g. a worker finishing its task). */
  stop_grace_period?: string;
  /** Defined in the project's own compose files: only watched and restarted, never rendered. */
  adopted?: boolean;
  /** Host name routed to it (an adopted Host rule). */
  host?: string;
  /** Globs whose change rebuilds the image (an adopted service's Dockerfile and manifests). */
  rebuild_on?: string[];
  /** Hooks: shell commands run in the container after dev up, dev start or a rebuild starts it. */
  after_start?: string[];
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

export const DEFAULT_HEALTH: HealthTiming = {
  interval: "3s",
  timeout: "3s",
  retries: 20,
  start_period: "30s",
};

/**
 * Words YAML 1.1 (docker-compose v1 reads it) takes for booleans or null even unquoted as keys.
 * A name must be a string in every reader, so these are refused as project and service names.
 */
const YAML11_WORDS = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null"]);

export function yaml11Problem(name: string): string | undefined {
  return YAML11_WORDS.has(name) ? `"${name}" reads as a ${name === "null" ? "null" : "boolean"} in YAML 1.1 (docker-compose v1)` : undefined;
}

/** Where a project-relative path leads: outside the project, to its root, or to a folder inside. */
export function pathProblem(path: string): "outside" | "root" | undefined {
  if (path.startsWith("/") || path.split("/").includes("..")) return "outside";
  if (path.split("/").every((part) => part === "" || part === ".")) return "root";
  return undefined;
}
