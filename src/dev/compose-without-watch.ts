import type { ComposeCli } from "../engine/compose-cli.js";
import { readProjectEnv } from "../fs/read-env.js";
import { WATCH_FILE } from "../render/watch-layer.js";

/**
 * The compose CLI as `dev` runs it in a project: without compose.watch.yaml. That layer is for
 * plain `docker compose up --watch` and takes the source mounts out; `dev` keeps them (its
 * reloads read the mounted sources). Compose takes COMPOSE_FILE from the environment before .env,
 * so the list without it goes there, on each run (.env may have changed in between).
 */
export function composeWithoutWatchLayer(cli: ComposeCli, root: string): ComposeCli {
  return {
    ...cli,
    run: async (args, opts) => cli.run(args, { ...opts, env: withoutWatchLayer(opts.env ?? process.env, await readProjectEnv(root)) }),
  };
}

/** The environment to run compose with: COMPOSE_FILE (the environment's, else .env's) without the watch layer. */
export function withoutWatchLayer(env: NodeJS.ProcessEnv, dotEnv: ReadonlyMap<string, string>): NodeJS.ProcessEnv {
  const composeFile = env.COMPOSE_FILE ?? dotEnv.get("COMPOSE_FILE");
  if (composeFile === undefined) return env;
  const separator = env.COMPOSE_PATH_SEPARATOR ?? dotEnv.get("COMPOSE_PATH_SEPARATOR") ?? ":";
  const files = composeFile.split(separator);
  if (!files.includes(WATCH_FILE)) return env;
  return { ...env, COMPOSE_FILE: files.filter((f) => f !== WATCH_FILE).join(separator) };
}
