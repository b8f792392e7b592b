/**
 * The shape of stack.yaml once parsed and validated. stack.yaml is the source of truth: compose
 * layers, proxy config and .env entries are all derived from it.
 */
export interface StackConfig {
  /** Schema version of stack.yaml. */
  version: 1;
  /** Project name: the compose project name and the prefix of proxy router names. */
  name: string;
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
  /** Command to run in development instead of the image's. */
  command?: string[];
  /** How long a stop waits before killing (e.g. a worker finishing its task). */
  stop_grace_period?: string;
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

export const DEFAULT_HEALTH: HealthTiming = {
  interval: "3s",
  timeout: "3s",
  retries: 20,
  start_period: "30s",
};
