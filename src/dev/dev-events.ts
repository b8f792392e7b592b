import { readStateJson, writeStateJson } from "../fs/state-dir.js";
import type { RestartCause } from "./restart/map-changes.js";

/** What a restart was: the process in place, the container, a rebuild, or a missing container recreated. */
export type ReloadKind = "process" | "container" | "rebuild" | "recreate";

/** A restart `dev up` made: on a save (files) or to bring a service back (cause). */
export interface ReloadEvent {
  type: "reload";
  service: string;
  /** When it was served again (or failed), ISO time. */
  at: string;
  kind: ReloadKind;
  /** Root-relative files whose save asked for it (none for a bring-back). */
  files: string[];
  cause?: RestartCause;
  /** From the save (the newest file's modification time) to the new code answering. */
  latencyMs?: number;
  /** The restart itself, from its start to ready. */
  restartMs: number;
  ok: boolean;
  error?: string;
}

/** A service that ended on its own (or from outside), with the end of its output and the wait before it is restarted. */
export interface CrashEvent {
  type: "crash";
  service: string;
  at: string;
  cause: RestartCause;
  why: string;
  lines: string[];
  backoffMs: number;
}

export type DevEvent = ReloadEvent | CrashEvent;

/** Where the watch loop reports what it did; the dashboard and `dev status --json` read it. */
export interface DevEventSink {
  record(event: DevEvent): void;
}

export const EVENTS_FILE = "dev-events.json";
/** Enough history for a day's work; older events drop off the front. */
export const MAX_EVENTS = 200;

/**
 * dev up's event record: kept in memory for the dashboard and in the state folder for
 * `dev status --json` (another process), written one save after the other.
 */
export class DevEventRecord implements DevEventSink {
  private readonly events: DevEvent[] = [];
  private readonly listeners = new Set<(e: DevEvent) => void>();
  private writing = Promise.resolve();

  constructor(private readonly root?: string) {}

  record(event: DevEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    for (const l of this.listeners) l(event);
    const root = this.root;
    if (root) {
      const snapshot = [...this.events];
      this.writing = this.writing.then(() => writeStateJson(root, EVENTS_FILE, snapshot).catch(() => undefined));
    }
  }

  list(): DevEvent[] {
    return [...this.events];
  }

  /** Called for each event recorded from now on; returns the unsubscribe function. */
  subscribe(listener: (e: DevEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new dev up starts a new record. */
  async reset(): Promise<void> {
    this.events.length = 0;
    if (this.root) await writeStateJson(this.root, EVENTS_FILE, []);
  }

  async flushed(): Promise<void> {
    await this.writing;
  }
}

/** The record the running (or last) dev up left, for another process. */
export async function readDevEvents(root: string): Promise<DevEvent[]> {
  const events = await readStateJson<DevEvent[]>(root, EVENTS_FILE);
  return Array.isArray(events) ? events : [];
}
