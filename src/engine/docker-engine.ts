import type Docker from "dockerode";
import { StackError } from "../errors/stack-error.js";
import { demuxLines, LogDemuxer } from "./demux.js";
import { keepSubscribed } from "./reconnecting.js";
import { isPortTaken, portTakenError } from "./port-taken.js";
import type { ContainerInfo, Engine, EngineEvent, HealthState } from "./engine.js";

const PROJECT = "com.docker.compose.project";
const SERVICE = "com.docker.compose.service";

type Inspect = Docker.ContainerInspectInfo;

/**
 * The Engine on dockerode: the one module that imports it, lazily, because loading dockerode
 * costs a quarter of a second of CLI start-up. DOCKER_HOST is honoured (dockerode reads it).
 */
export function createDockerEngine(opts: { socketPath?: string } = {}): Engine {
  let client: Promise<Docker> | undefined;
  let freshClient: Promise<Docker> | undefined;
  const docker = () =>
    (client ??= import("dockerode").then(({ default: Dockerode }) => new Dockerode(opts.socketPath ? { socketPath: opts.socketPath } : undefined)));
  // Node's default agent keeps connections alive: this one opens a new connection per call.
  // (docker-modem takes an `agent` option; dockerode's types do not list it.)
  const fresh = () =>
    (freshClient ??= Promise.all([import("dockerode"), import("node:http")]).then(
      ([{ default: Dockerode }, http]) => new Dockerode({ ...(opts.socketPath ? { socketPath: opts.socketPath } : {}), agent: new http.Agent({ keepAlive: false }) } as Docker.DockerOptions),
    ));
  const container = async (id: string) => (await docker()).getContainer(id);

  const inspect = async (id: string) => {
    const info = await (await container(id)).inspect();
    return { ...fromInspect(info), healthLog: (info.State.Health?.Log ?? []).slice(-3).map((l) => l.Output.trim()) };
  };

  const engine: Engine = {
    async ping(o = {}) {
      try {
        await (await (o.fresh ? fresh() : docker())).ping();
      } catch (err) {
        throw new StackError({
          code: "E_ENGINE_UNREACHABLE",
          message: `no Docker engine answers (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
          hint: "start Docker (Docker Desktop, or `sudo systemctl start docker`), or point DOCKER_HOST at a running engine",
          exitCode: 1,
          cause: err,
        });
      }
    },

    async apiVersion() {
      return (await (await docker()).version()).ApiVersion;
    },

    async listContainers(project, o = {}) {
      // One-off containers (`compose run`) share the service label; they are the user's, not the stack's.
      const label = [`${PROJECT}=${project}`, "com.docker.compose.oneoff=False", ...(o.service ? [`${SERVICE}=${o.service}`] : [])];
      const list = await (await docker()).listContainers({ all: o.all ?? false, filters: { label } });
      return list.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? "").replace(/^\//, ""),
        project: c.Labels[PROJECT] ?? "",
        service: c.Labels[SERVICE] ?? "",
        state: c.State,
        health: healthFromStatus(c.Status),
        image: c.Image,
        ports: c.Ports.map((p) => ({ containerPort: p.PrivatePort, hostPort: p.PublicPort, hostIp: p.IP, protocol: p.Type })),
      }));
    },

    inspect,

    async restart(id, o) {
      await knownFailure("restarting the container", (async () => (await container(id)).restart({ t: o.timeoutSeconds }))());
    },
    async stop(id, o) {
      await ignoreStatus(304, (async () => (await container(id)).stop({ t: o.timeoutSeconds }))());
    },
    async start(id) {
      await knownFailure("starting the container", ignoreStatus(304, (async () => (await container(id)).start())()));
    },
    async kill(id, signal) {
      await (await container(id)).kill({ signal });
    },
    async remove(id, o = {}) {
      await ignoreStatus(404, (async () => (await container(id)).remove({ force: o.force ?? false, v: o.volumes ?? false }))());
    },

    async imageId(ref) {
      try {
        return (await (await docker()).getImage(ref).inspect()).Id;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },

    async removeImage(ref) {
      try {
        await (await docker()).getImage(ref).remove();
        return true;
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        if (code === 404 || code === 409) return false;
        throw err;
      }
    },

    async logs(id, o) {
      const data = (await (await container(id)).logs({ stdout: true, stderr: true, tail: o.tail, follow: false, since: o.since, timestamps: o.timestamps ?? false })) as unknown as Buffer;
      return demuxLines(Buffer.isBuffer(data) ? data : Buffer.from(String(data))).filter((l) => l.length > 0);
    },

    async followLogs(id, onLine, signal, o = {}) {
      const stream = (await (await container(id)).logs({ stdout: true, stderr: true, follow: true, tail: o.tail ?? 0, since: o.since, timestamps: o.timestamps ?? false })) as NodeJS.ReadableStream & { destroy(): void };
      const demux = new LogDemuxer(onLine);
      o.onAttached?.();
      await new Promise<void>((resolve) => {
        const stop = () => {
          stream.destroy();
          resolve();
        };
        signal.addEventListener("abort", stop, { once: true });
        stream.on("data", (chunk: Buffer) => demux.push(chunk));
        stream.on("end", () => {
          demux.end();
          resolve();
        });
        stream.on("error", () => resolve());
      });
    },

    async exec(id, cmd) {
      const exec = await (await container(id)).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const lines: string[] = [];
      const demux = new LogDemuxer((line) => lines.push(line));
      await new Promise<void>((resolve, reject) => {
        stream.on("data", (chunk: Buffer) => demux.push(chunk));
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      demux.end();
      const info = await exec.inspect();
      return { exitCode: info.ExitCode ?? -1, output: lines.join("\n") };
    },

    async events(project, onEvent, signal, onReconnect, onDisconnect) {
      await keepSubscribed(
        async (connected) => {
          // One-off containers (`dev run`) are the user's: their exit is no crash of the service.
          const stream = (await (await docker()).getEvents({ filters: { type: ["container"], label: [`${PROJECT}=${project}`, "com.docker.compose.oneoff=False"] } })) as NodeJS.ReadableStream & { destroy(): void };
          connected();
          await readEvents(stream, onEvent, signal);
        },
        signal,
        { onReconnect, onDisconnect },
      );
    },
  };
  return engine;
}

function readEvents(stream: NodeJS.ReadableStream & { destroy(): void }, onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = "";
    const abort = () => {
      stream.destroy();
      resolve();
    };
    signal.addEventListener("abort", abort, { once: true });
    stream.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onEvent(toEvent(JSON.parse(line)));
    });
    stream.on("end", () => {
      signal.removeEventListener("abort", abort);
      reject(new Error("event stream ended"));
    });
    stream.on("error", (err) => {
      signal.removeEventListener("abort", abort);
      reject(err);
    });
  });
}

function toEvent(raw: { Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number }): EngineEvent {
  const attrs = raw.Actor?.Attributes ?? {};
  const action = raw.Action ?? raw.status ?? "";
  const [verb, detail] = action.split(": ");
  return {
    action: verb ?? action,
    containerId: raw.Actor?.ID ?? raw.id ?? "",
    project: attrs[PROJECT] ?? "",
    service: attrs[SERVICE] ?? "",
    health: verb === "health_status" ? (detail as HealthState) : undefined,
    exitCode: attrs.exitCode !== undefined ? Number(attrs.exitCode) : undefined,
    signal: attrs.signal,
    oneoff: attrs["com.docker.compose.oneoff"] === "True",
    time: (raw.time ?? 0) * 1000,
  };
}

function fromInspect(info: Inspect): ContainerInfo {
  const labels = info.Config.Labels ?? {};
  const ports = Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => {
    const [port, protocol] = key.split("/");
    return (bindings ?? [{ HostPort: "", HostIp: "" }]).map((b) => ({
      containerPort: Number(port),
      hostPort: b.HostPort ? Number(b.HostPort) : undefined,
      hostIp: b.HostIp || undefined,
      protocol: protocol ?? "tcp",
    }));
  });
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    project: labels[PROJECT] ?? "",
    service: labels[SERVICE] ?? "",
    state: info.State.Status,
    health: (info.State.Health?.Status as HealthState | undefined) ?? "none",
    startedAt: info.State.StartedAt,
    image: info.Config.Image,
    ports,
    exitCode: info.State.ExitCode,
    restartCount: info.RestartCount,
    command: [info.Path, ...(info.Args ?? [])],
    healthcheck: info.Config.Healthcheck?.Test,
    addresses: Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).filter((ip) => !!ip),
  };
}

function healthFromStatus(status: string): HealthState {
  if (status.includes("(healthy)")) return "healthy";
  if (status.includes("(unhealthy)")) return "unhealthy";
  if (status.includes("(health: starting)")) return "starting";
  return "none";
}

/** The engine's refusals we know the way out of, as errors that say it (not as a possible bug). */
async function knownFailure(what: string, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    const text = String((err as { json?: { message?: string } }).json?.message ?? (err as Error).message);
    if (isPortTaken(text)) throw portTakenError(what, text, err);
    throw err;
  }
}

async function ignoreStatus(code: number, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== code) throw err;
  }
}
