/**
 * Our view of the Docker engine. Only docker-engine.ts talks to dockerode; everything else, and
 * every test fake, sees these types.
 */
export type HealthState = "none" | "starting" | "healthy" | "unhealthy";

export interface ContainerInfo {
  id: string;
  name: string;
  /** From the com.docker.compose.project / .service labels: compose v1 and v2 name containers differently. */
  project: string;
  service: string;
  /** running, exited, restarting, created, ... */
  state: string;
  health: HealthState;
  startedAt?: string;
  image: string;
  ports: { containerPort: number; hostPort?: number; hostIp?: string; protocol: string }[];
  exitCode?: number;
  /** Restarts by Docker's restart policy (from inspect only). */
  restartCount?: number;
  /** What the container runs (entrypoint and command); from inspect only. */
  command?: string[];
  /** Its healthcheck test as the engine has it (["CMD", ...] or ["CMD-SHELL", "..."]); from inspect only. */
  healthcheck?: string[];
  /** inspect only: the container's IPv4 address on each of its networks (none while it is not running). */
  addresses?: string[];
}

export interface EngineEvent {
  action: string;
  containerId: string;
  project: string;
  service: string;
  health?: HealthState;
  exitCode?: number;
  /** For `kill`: the signal sent ("9" is docker kill's default; a stop sends the image's stop signal). */
  signal?: string;
  /** A one-off container (`compose run`): the user's, not one of the stack's services. */
  oneoff?: boolean;
  time: number;
}

export interface LogOptions {
  since?: number | string;
  timestamps?: boolean;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

export interface Engine {
  /**
   * Throws E_ENGINE_UNREACHABLE with a hint when no engine answers. `fresh`: over a new
   * connection, not one kept alive from an earlier call: a daemon shutting down closes its API
   * to new connections first, and may still answer on the ones already open.
   */
  ping(opts?: { fresh?: boolean }): Promise<void>;
  /** The Engine API version the engine speaks ("1.41" for Docker 20.10, "1.44" for 25). */
  apiVersion(): Promise<string>;
  listContainers(project: string, opts?: { service?: string; all?: boolean }): Promise<ContainerInfo[]>;
  inspect(id: string): Promise<ContainerInfo & { healthLog: string[] }>;
  restart(id: string, opts: { timeoutSeconds: number }): Promise<void>;
  /** Without timeoutSeconds, the container's own stop timeout (compose's stop_grace_period). */
  stop(id: string, opts: { timeoutSeconds?: number }): Promise<void>;
  start(id: string): Promise<void>;
  /** Sends a signal to the container's main process (e.g. "SIGHUP"); one API call. */
  kill(id: string, signal: string): Promise<void>;
  remove(id: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** `since`: unix seconds (fractions allowed); `timestamps`: each line starts with its RFC 3339 time and a space. */
  logs(id: string, opts: LogOptions & { tail: number }): Promise<string[]>;
  /** The image's ID (sha256:...), or undefined when the engine has no image of that name. */
  imageId(ref: string): Promise<string | undefined>;
  /** Removes an image; false when it is still used by a container or already gone. */
  removeImage(ref: string): Promise<boolean>;
  /** Resolves when the stream ends or on abort; `onAttached` once new lines will be seen. */
  followLogs(id: string, onLine: (line: string, stream: "stdout" | "stderr") => void, signal: AbortSignal, opts?: LogOptions & { tail?: number; onAttached?: () => void }): Promise<void>;
  exec(id: string, cmd: string[]): Promise<ExecResult>;
  /**
   * Container events of one project; reconnects when the stream drops, calling onDisconnect when
   * it drops and onReconnect once it is back. Resolves on abort.
   */
  events(project: string, onEvent: (e: EngineEvent) => void, signal: AbortSignal, onReconnect?: () => void, onDisconnect?: () => void): Promise<void>;
}
