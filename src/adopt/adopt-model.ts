import type { TraefikLabels } from "../compose/traefik-labels.js";
import type { SourceLocation } from "../errors/stack-error.js";

/** Something of the user's project adopt does not carry over, and why. Never guessed instead. */
export interface Unmapped {
  service?: string;
  what: string;
  reason: string;
  at?: SourceLocation;
}

export interface PortView {
  target: number;
  published?: string;
  hostIp?: string;
  protocol?: string;
}

export interface VolumeView {
  type: string;
  /** For binds: the host path, absolute. */
  source?: string;
  target: string;
  at: SourceLocation;
}

/**
 * One service of the merged compose project, in the plain terms adopt needs. Paths are absolute;
 * adopt makes them project-relative and refuses what lies outside the project.
 */
export interface ComposeServiceView {
  name: string;
  at: SourceLocation;
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  /** Its compose file sets an entrypoint (our supervisor would become that entrypoint's argument). */
  entrypoint?: boolean;
  ports: PortView[];
  expose: number[];
  volumes: VolumeView[];
  dependsOn: string[];
  /** Its Traefik labels, read by the same reader as dev lint's rules. */
  traefik: TraefikLabels;
  /** Names the service answers to on its networks besides its own (container_name, aliases, links). */
  aliases: string[];
}

/** What adopt needs of the project on disk; tests give their own. */
export interface ProjectFiles {
  /** Absolute project root (the folder stack.yaml goes in). */
  root: string;
  read: (abs: string) => string | undefined;
  isDirectory: (abs: string) => boolean;
  /** Files matching a glob-free absolute folder, for nginx includes like conf.d/*.conf. */
  list: (absDir: string) => string[];
}

/** An adopted service as stack.yaml keeps it. */
export interface AdoptedService {
  image?: string;
  build?: string;
  dockerfile?: string;
  /** The bind-mounted source folder: a change restarts the service (no rebuild). */
  path?: string;
  /** More bind-mounted files and folders whose change restarts it. */
  watch?: string[];
  /** What rebuilds its image: the Dockerfile and dependency manifests, or the whole context. */
  rebuild_on?: string[];
  port?: number;
  route?: string;
  host?: string;
  strip_prefix?: boolean;
  depends_on?: string[];
  /**
   * Its command, when its compose file gives one and it has a mounted source folder: `dev up`
   * runs it under its supervisor (our dev layer), so a change reloads the process in place.
   */
  command?: string[];
}

export interface AdoptedProxy {
  kind: "traefik" | "nginx";
  service: string;
  /** The nginx config file, project-relative, when the proxy is nginx. */
  config?: string;
}

export interface Adoption {
  name: string;
  compose: string[];
  proxy?: AdoptedProxy;
  services: Record<string, AdoptedService>;
  /** Watcher ignores from the build contexts' .dockerignore files, project-relative. */
  ignore: string[];
  /** Services their profiles leave off, listed so the user knows why they are absent. */
  disabled: string[];
  unmapped: Unmapped[];
}
