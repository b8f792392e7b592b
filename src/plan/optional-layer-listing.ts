import type { ComposeSupport } from "../engine/compose-support.js";
import { parseEnvFile } from "../fs/parse-env-file.js";
import type { FileReader } from "../fs/plan.js";
import { START_INTERVAL, START_INTERVAL_FILE } from "../render/start-interval-layer.js";
import { WATCH_FILE } from "../render/watch-layer.js";

/** Which optional layers .env's COMPOSE_FILE lists: only where plain compose understands them. */
export type OptionalLayers = ComposeSupport;

const FILES: Record<keyof OptionalLayers, string> = { startInterval: START_INTERVAL_FILE, watch: WATCH_FILE };

/** In the order COMPOSE_FILE lists them, after every other layer. */
export const OPTIONAL_LAYER_FILES = [START_INTERVAL_FILE, WATCH_FILE];

export function listsLayer(composeFile: string, file: string): boolean {
  return composeFile.split(":").includes(file);
}

/**
 * The listing, derived each time rather than remembered: create-stack and `dev up` ask this
 * machine (compose or the engine may have been upgraded, or the project copied to another
 * machine) and list exactly what it supports, as COMPOSE_FILE is a key we manage; every other
 * command (supported undefined) keeps what .env says.
 *
 * compose.watch.yaml is the exception: it is listed only where the user listed it, and dropped
 * where compose does not understand it. It takes the source folders' bind mounts away (compose
 * will not watch a bind-mounted path), so listed by default it would leave a plain
 * `docker compose up` (without --watch) running the image's copy of the code, deaf to edits.
 */
export function decideOptionalLayers(supported: ComposeSupport | undefined, composeFile: string | undefined): OptionalLayers {
  const listed = (key: keyof OptionalLayers) => (composeFile === undefined ? false : listsLayer(composeFile, FILES[key]));
  return { startInterval: supported?.startInterval ?? listed("startInterval"), watch: (supported?.watch ?? true) && listed("watch") };
}

/** The listing for a project as it is on disk, and what to tell the user when it changes. */
export function optionalLayersOf(reader: FileReader, supported: ComposeSupport | undefined): { layers: OptionalLayers; notes: string[] } {
  const composeFile = parseEnvFile(reader.read(".env") ?? "").get("COMPOSE_FILE");
  const layers = decideOptionalLayers(supported, composeFile);
  return { layers, notes: composeFile === undefined ? [] : optionalLayerNotes(composeFile, layers) };
}

/** The notes for the user when a listing changes (a new .env has none: its listing is news to nobody). */
export function optionalLayerNotes(composeFile: string, after: OptionalLayers): string[] {
  const notes: string[] = [];
  const changed = (key: keyof OptionalLayers) => listsLayer(composeFile, FILES[key]) !== after[key];
  if (changed("startInterval")) {
    notes.push(
      after.startInterval
        ? `.env: COMPOSE_FILE now lists ${START_INTERVAL_FILE} (compose 2.24+ on Docker 25+: plain compose checks a starting service every ${START_INTERVAL})`
        : `.env: COMPOSE_FILE no longer lists ${START_INTERVAL_FILE} (this compose or engine does not support healthcheck.start_interval)`,
    );
  }
  if (changed("watch")) {
    notes.push(
      after.watch
        ? `.env: COMPOSE_FILE now lists ${WATCH_FILE} (compose 2.24+: plain \`docker compose up --watch\` syncs and restarts as dev up does)`
        : `.env: COMPOSE_FILE no longer lists ${WATCH_FILE} (this compose does not understand it: it needs compose 2.24+)`,
    );
  }
  return notes;
}
