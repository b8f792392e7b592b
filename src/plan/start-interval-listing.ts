import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseEnvFile } from "../fs/parse-env-file.js";
import type { FileReader } from "../fs/plan.js";
import { checkStateDir, readStateJson, statePath } from "../fs/state-dir.js";
import { START_INTERVAL, START_INTERVAL_FILE } from "../render/start-interval-layer.js";

/**
 * Whether .env's COMPOSE_FILE lists compose.start-interval.yaml. create-stack decides when it
 * writes .env, `dev up` decides again each time it starts (compose or the engine may have been
 * upgraded, or the project copied to another machine), every other command keeps what .env says.
 *
 * The user has the last word: the decision we last made is kept in .create-stack/, and a .env
 * whose listing differs from it was edited by hand, so it stays as it is until the user puts it
 * back the way we had it.
 */
export interface ListingInput {
  /** This machine's compose and engine honour start_interval; undefined: not checked this time. */
  supported: boolean | undefined;
  /** COMPOSE_FILE in .env now; undefined when .env has none yet. */
  composeFile: string | undefined;
  /** What we last decided on our own; undefined when we never did (or the state was removed). */
  recorded: boolean | undefined;
}

export interface Listing {
  list: boolean;
  /** The decision to keep for next time, when this one was ours to make. */
  record?: boolean;
  /** Why the listing is what it is, for the user when it changes. */
  reason: "checked" | "kept" | "hand-edited" | "new";
}

export function listsStartInterval(composeFile: string): boolean {
  return composeFile.split(":").includes(START_INTERVAL_FILE);
}

export function decideStartIntervalListing({ supported, composeFile, recorded }: ListingInput): Listing {
  const listed = composeFile === undefined ? undefined : listsStartInterval(composeFile);
  if (supported === undefined) return { list: listed ?? false, reason: "kept" };
  if (listed === undefined) return { list: supported, record: supported, reason: "new" };
  // Listed without a decision of ours on record: someone put it there. Kept, and theirs.
  if (recorded === undefined && listed) return { list: true, reason: "hand-edited" };
  if (recorded !== undefined && recorded !== listed) return { list: listed, reason: "hand-edited" };
  return { list: supported, record: supported, reason: "checked" };
}

/**
 * The listing for a project as it is on disk: its .env's COMPOSE_FILE, our last decision on record
 * (read only when there is something to decide) and what this machine supports. `save` keeps a
 * new decision of ours, to be called once the project's files have landed.
 */
export async function startIntervalListingOf(
  root: string,
  reader: FileReader,
  supported: boolean | undefined,
): Promise<{ listing: Listing; note: string | undefined; save: () => Promise<void> }> {
  const composeFile = parseEnvFile(reader.read(".env") ?? "").get("COMPOSE_FILE");
  const recorded = supported === undefined ? undefined : await readStartIntervalRecord(root);
  const listing = decideStartIntervalListing({ supported, composeFile, recorded });
  const { record } = listing;
  return {
    listing,
    note: startIntervalNote(composeFile === undefined ? undefined : listsStartInterval(composeFile), listing),
    save: async () => {
      if (record !== undefined && record !== recorded) await writeStartIntervalRecord(root, record);
    },
  };
}

const STATE_FILE = "start-interval.json";

export async function readStartIntervalRecord(root: string): Promise<boolean | undefined> {
  const state = await readStateJson<{ listed?: unknown }>(root, STATE_FILE);
  return typeof state?.listed === "boolean" ? state.listed : undefined;
}

/**
 * Written after the project's files have landed, in place rather than by a rename: the write is
 * then no step of the transaction (a command killed after its commit is rolled forward without
 * it). A record cut short reads as none, which keeps a listed layer and decides again otherwise.
 */
export async function writeStartIntervalRecord(root: string, listed: boolean): Promise<void> {
  const file = statePath(root, STATE_FILE);
  checkStateDir(root);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ listed }) + "\n");
}

/** The note for the user when the listing changes on our decision. */
export function startIntervalNote(before: boolean | undefined, after: Listing): string | undefined {
  if (before === undefined || before === after.list || after.reason !== "checked") return undefined;
  return after.list
    ? `.env: COMPOSE_FILE now lists ${START_INTERVAL_FILE} (compose 2.24+ on Docker 25+: plain compose checks a starting service every ${START_INTERVAL})`
    : `.env: COMPOSE_FILE no longer lists ${START_INTERVAL_FILE} (this compose or engine does not support healthcheck.start_interval)`;
}
