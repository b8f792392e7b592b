import type { ContainerInfo, Engine, EngineEvent, ExecResult } from "../../src/engine/engine.js";

type FakeContainer = ContainerInfo & { healthLog: string[]; logLines: string[] };

/** One call the code under test made, for asserting what did (and did not) happen. */
export interface EngineCall {
  method: keyof Engine;
  id?: string;
  args?: unknown;
}

/**
 * An in-memory Engine for unit tests of the code above the engine (crash monitor, watch loop,
 * waits). It implements our interface, never dockerode's. Containers change state only when the
 * test says so (`set`) or through the calls the code makes (restart, stop, start, remove); the
 * test drives events with `emit` and a dropped event stream with `dropEvents`.
 */
export class FakeEngine implements Engine {
  readonly calls: EngineCall[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private subscribers: { project: string; onEvent: (e: EngineEvent) => void; onReconnect?: () => void; onDisconnect?: () => void }[] = [];
  /** While true (between `goAway` and `comeBack`), every call fails as with no daemon. */
  private away = false;
  private seq = 0;
  /** Called on restart/start, e.g. to make a container healthy again after a delay. */
  onStart: (c: FakeContainer) => void = (c) => {
    c.state = "running";
    c.health = c.health === "none" ? "none" : "healthy";
  };
  execResult: (id: string, cmd: string[]) => ExecResult = () => ({ exitCode: 0, output: "" });

  add(init: Partial<FakeContainer> & { project: string; service: string }): FakeContainer {
    const id = init.id ?? `c${++this.seq}${"0".repeat(12)}`;
    const c: FakeContainer = {
      id,
      name: `${init.project}_${init.service}_1`,
      state: "running",
      health: "none",
      image: "img",
      ports: [],
      healthLog: [],
      logLines: [],
      ...init,
    };
    this.containers.set(id, c);
    return c;
  }

  get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error(`no such container: ${id}`), { statusCode: 404 });
    return c;
  }

  set(id: string, patch: Partial<FakeContainer>): void {
    Object.assign(this.get(id), patch);
  }

  /** Sends an event to every subscriber of the container's project, filling in what it knows. */
  emit(id: string, action: string, extra: Partial<EngineEvent> = {}): void {
    const c = this.get(id);
    const e: EngineEvent = { action, containerId: id, project: c.project, service: c.service, time: Date.now(), ...extra };
    for (const s of this.subscribers) if (s.project === c.project) s.onEvent(e);
  }

  /** The event stream dropped and came back (a daemon restart): subscribers re-list. */
  dropEvents(): void {
    for (const s of this.subscribers) s.onReconnect?.();
  }

  /** The daemon went away: the stream drops and calls fail until `comeBack`. */
  goAway(): void {
    this.away = true;
    for (const s of this.subscribers) s.onDisconnect?.();
  }

  /**
   * The daemon shuts down as dockerd does: its API stops answering first, while the event stream
   * stays up until it has stopped its containers (then `goAway` drops it).
   */
  stopAnswering(): void {
    this.away = true;
  }

  /** The API answers again, the event stream never having dropped. */
  answerAgain(): void {
    this.away = false;
  }

  /** The daemon answers again and the stream reconnects. */
  comeBack(): void {
    this.away = false;
    for (const s of this.subscribers) s.onReconnect?.();
  }

  private reachable(): void {
    if (this.away) throw Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" });
  }

  callsOf(method: keyof Engine, id?: string): EngineCall[] {
    return this.calls.filter((c) => c.method === method && (id === undefined || c.id === id));
  }

  async ping(opts?: { fresh?: boolean }): Promise<void> {
    this.reachable();
    this.calls.push({ method: "ping", args: opts });
  }

  /** What apiVersion() answers; tests set it. */
  engineApiVersion = "1.41";

  async apiVersion(): Promise<string> {
    this.reachable();
    this.calls.push({ method: "apiVersion" });
    return this.engineApiVersion;
  }

  async listContainers(project: string, opts: { service?: string; all?: boolean } = {}): Promise<ContainerInfo[]> {
    this.reachable();
    this.calls.push({ method: "listContainers", args: { project, ...opts } });
    return [...this.containers.values()]
      .filter((c) => c.project === project && (!opts.service || c.service === opts.service) && (opts.all || c.state === "running"))
      .map(({ healthLog: _h, logLines: _l, ...info }) => ({ ...info }));
  }

  async inspect(id: string): Promise<ContainerInfo & { healthLog: string[] }> {
    this.reachable();
    this.calls.push({ method: "inspect", id });
    const { logLines: _l, ...info } = this.get(id);
    return { ...info };
  }

  async restart(id: string, opts: { timeoutSeconds: number }): Promise<void> {
    this.reachable();
    this.calls.push({ method: "restart", id, args: opts });
    this.onStart(this.get(id));
  }

  async stop(id: string, opts: { timeoutSeconds: number }): Promise<void> {
    this.reachable();
    this.calls.push({ method: "stop", id, args: opts });
    this.set(id, { state: "exited" });
  }

  async start(id: string): Promise<void> {
    this.reachable();
    this.calls.push({ method: "start", id });
    this.onStart(this.get(id));
  }

  /** Called on kill, e.g. to play a supervisor that prints its reloaded line. */
  onKill: (c: FakeContainer, signal: string) => void = () => undefined;

  async kill(id: string, signal: string): Promise<void> {
    this.calls.push({ method: "kill", id, args: signal });
    this.onKill(this.get(id), signal);
  }

  async remove(id: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void> {
    this.calls.push({ method: "remove", id, args: opts });
    this.containers.delete(id);
  }

  async logs(id: string, opts: { tail: number }): Promise<string[]> {
    this.reachable();
    this.calls.push({ method: "logs", id, args: opts });
    return this.get(id).logLines.slice(-opts.tail);
  }

  /** Images the code removed; the fake holds no images, so each removal "succeeds" once. */
  readonly removedImages: string[] = [];

  /** Image IDs by name, as the test sets them. */
  readonly images = new Map<string, string>();

  async imageId(ref: string): Promise<string | undefined> {
    this.calls.push({ method: "imageId", args: ref });
    return this.images.get(ref);
  }

  async removeImage(ref: string): Promise<boolean> {
    this.calls.push({ method: "removeImage", args: ref });
    if (this.removedImages.includes(ref)) return false;
    this.removedImages.push(ref);
    return true;
  }

  async followLogs(id: string, onLine: (line: string, stream: "stdout" | "stderr") => void, signal: AbortSignal, opts: { onAttached?: () => void } = {}): Promise<void> {
    this.calls.push({ method: "followLogs", id });
    for (const l of this.get(id).logLines) onLine(l, "stdout");
    opts.onAttached?.();
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  async exec(id: string, cmd: string[]): Promise<ExecResult> {
    this.calls.push({ method: "exec", id, args: cmd });
    return this.execResult(id, cmd);
  }

  async events(project: string, onEvent: (e: EngineEvent) => void, signal: AbortSignal, onReconnect?: () => void, onDisconnect?: () => void): Promise<void> {
    this.calls.push({ method: "events", args: { project } });
    const sub = { project, onEvent, onReconnect, onDisconnect };
    this.subscribers.push(sub);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    this.subscribers = this.subscribers.filter((s) => s !== sub);
  }
}
