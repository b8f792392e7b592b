import type { ComposeCli } from "../engine/compose-cli.js";
import { readProjectEnv } from "../fs/read-env.js";
import { START_INTERVAL_FILE } from "../render/start-interval-layer.js";
import { WATCH_FILE } from "../render/watch-layer.js";

/**
 * Layers .env may list that are for plain compose only, and that `dev` leaves out:
 * - compose.watch.yaml, for `docker compose up --watch`, takes the source mounts out; `dev` keeps
 *   them (its reloads read the mounted sources).
 * - compose.start-interval.yaml makes Docker run each starting container's healthcheck every
 *   250 ms (a process exec'd in the container each time), so that compose's own waits end soon.
 *   `dev` waits with probes of its own (a TCP connection to the app's port, its healthcheck run
 *   once in a while): the layer would only add that work while a stack starts, about a third of
 *   the containers' CPU in a 20-service start. Containers `dev` made differ from plain compose's
 *   in that key only: the first `docker compose up` after a `dev up` (and the other way round)
 *   makes the healthchecked ones again.
 */
export const PLAIN_COMPOSE_LAYERS: readonly string[] = [WATCH_FILE, START_INTERVAL_FILE];

/**
 * The compose CLI as `dev` runs it in a project: without PLAIN_COMPOSE_LAYERS. Compose takes
 * COMPOSE_FILE from the environment before .env, so the list without them goes there, on each
 * run (.env may have changed in between).
 */
export function composeForDev(cli: ComposeCli, root: string): ComposeCli {
  return {
    ...cli,
    run: async (args, opts) => cli.run(args, { ...opts, env: devComposeEnv(opts.env ?? process.env, await readProjectEnv(root)) }),
  };
}

/** The environment to run compose with: COMPOSE_FILE (the environment's, else .env's) without PLAIN_COMPOSE_LAYERS. */
export function devComposeEnv(env: NodeJS.ProcessEnv, dotEnv: ReadonlyMap<string, string>): NodeJS.ProcessEnv {
  const composeFile = env.COMPOSE_FILE ?? dotEnv.get("COMPOSE_FILE");
  if (composeFile === undefined) return env;
  const separator = env.COMPOSE_PATH_SEPARATOR ?? dotEnv.get("COMPOSE_PATH_SEPARATOR") ?? ":";
  const files = composeFile.split(separator);
  if (!files.some((f) => PLAIN_COMPOSE_LAYERS.includes(f))) return env;
  return { ...env, COMPOSE_FILE: files.filter((f) => !PLAIN_COMPOSE_LAYERS.includes(f)).join(separator) };
}
