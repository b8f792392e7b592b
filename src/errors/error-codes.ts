/**
 * Every code a StackError can carry. `--json` prints them, so scripts may match on them: this list
 * is the stable contract (README lists it). Add a code here before using it; never reuse one for a
 * different meaning.
 */
export const ERROR_CODES = {
  // Usage: flags and arguments.
  E_USAGE: "a flag or argument the command does not accept",
  E_FLAG_INVALID: "a flag's value is malformed (not a number, empty list item, empty value)",
  E_INVALID_NAME: "a project or service name is not ^[a-z][a-z0-9-]*$ or reads as a non-string in YAML 1.1",
  E_IMAGE_OVERRIDE: "--image is not FROM=TO",
  E_ENV_INVALID: "--env is not KEY=VALUE",
  E_TARGET_NOT_DIR: "the target of create-stack exists and is not a folder",
  E_TARGET_NOT_EMPTY: "the target of create-stack is not empty (use --force)",
  E_TARGET_UNUSABLE: "the target of create-stack cannot hold a project (a virtual filesystem such as /proc, or read-only)",
  // stack.yaml: syntax, schema and the rules across entries.
  E_STACK_YAML: "stack.yaml is not valid YAML (or holds too many aliases)",
  E_STACK_SCHEMA: "stack.yaml does not match its JSON Schema",
  E_UNKNOWN_PRESET: "a preset that does not exist",
  E_PRESET_KIND: "a service template listed as a preset",
  E_PRESET_CONFLICT: "two presets that cannot be combined (two proxies)",
  E_PRESET_REQUIRED: "a template needs a preset the stack lacks",
  E_PRESET_PRESENT: "dev add preset: the stack already has it",
  E_NAME_TAKEN: "a service name already used by a service or a preset's service",
  E_TEMPLATE_AND_IMAGE: "a service sets both template and image",
  E_NO_TEMPLATE: "a service sets neither template nor image",
  E_UNKNOWN_TEMPLATE: "a template that does not exist",
  E_PATH_OUTSIDE: "a path that leaves the project",
  E_PATH_ROOT: "a path that is the project root (starter files and .env would land in the image)",
  E_ROUTE_INVALID: "a route that is not a safe path prefix",
  E_ROUTE_DUPLICATE: "two services with one route",
  E_ROUTE_NO_PROXY: "a route in a stack without a proxy",
  E_ROUTE_NO_PORT: "a route on a service without a port",
  E_UNKNOWN_DEPENDENCY: "depends_on names nothing",
  E_SELF_DEPENDENCY: "a service depends on itself",
  E_UNKNOWN_SERVICE: "a command names a service the stack does not have",
  E_NO_STACK: "no stack.yaml in this folder or above",
  // Files on disk.
  E_USER_EDITED: "a generated file was edited by hand; nothing was written",
  E_WRITE: "the project could not be written (permissions, disk full); nothing was changed",
  E_LOCKED: "another command is writing the project and did not finish in time",
  E_CHANGED: "a file changed on disk while the command ran; nothing was written",
  E_SYMLINK: "a write or delete would follow a symbolic link inside the project; nothing was written",
  E_OUTSIDE_PROJECT: "a planned path leaves the project; nothing was written",
  E_DELETE_ROOT: "--delete-source on a service whose path is the project root",
  // Presets shipped with create-stack (a packaging bug if seen).
  E_PRESET_INVALID: "a preset.yaml is malformed",
  E_PRESET_PLACEHOLDER: "a preset uses an unknown {{placeholder}}",
  // Runtime: the engine and the stack.
  E_ENGINE_UNREACHABLE: "the Docker engine does not answer",
  E_NO_COMPOSE: "neither docker compose nor docker-compose is installed",
  E_COMPOSE: "a compose command failed",
  E_NO_CONTAINER: "a service has no container",
  E_UNHEALTHY: "a service never became healthy",
  E_WAIT_TIMEOUT: "something waited for was not ready in time",
  E_NGINX_RELOAD: "nginx refused the new configuration",
  // dev export / dev deploy.
  E_EXPORT_UNFAITHFUL: "something in the stack cannot be carried to Swarm or Kubernetes as it is (host bind mount, network_mode host, privileged, a built image without --registry); nothing was written",
  E_EXPORT_INPUT_MISSING: "a file the export reads (.env, the nginx config) is missing: run dev sync",
  E_DOCKER: "a docker CLI command (build, push, secret, stack deploy) failed",
  E_SWARM_INACTIVE: "dev deploy swarm on an engine that is not a swarm manager",
  E_SWARM_FAILED: "a Swarm service rolled back or its tasks keep failing",
  E_INTERNAL: "anything else: a bug",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
