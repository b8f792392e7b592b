import { runtimeError } from "../errors/stack-error.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import type { Preset } from "../presets/preset.js";
import { NGINX_CONFIG_PATH, NGINX_TLS_CONTENT, NGINX_TLS_FILE, renderNginxConfig } from "./nginx-config.js";
import { CADDY_CONFIG_PATH, CADDY_TLS_CONTENT, CADDY_TLS_FILE, renderCaddyConfig } from "./caddy-config.js";
import { reloadCaddy } from "./reload-caddy.js";
import { ROUTES_VERSION_PATH, routesVersion } from "./routes-version.js";
import { traefikLabels, withoutDevTls, withoutRestartingPage } from "./traefik-labels.js";
import { condition, proxyGetTimeoutMs, waitFor } from "../wait/index.js";

/** What a proxy renderer may do in a running stack: run a command in the proxy, GET a path through it. */
export interface ProxyIo {
  exec(cmd: string[]): Promise<{ exitCode: number; output: string }>;
  /**
   * The body served at `path` on the proxy's host port, or undefined when nothing answers within
   * `timeoutMs` (a short default when not given).
   */
  get(path: string, timeoutMs?: number): Promise<string | undefined>;
  /** The proxy's last log lines, for an error that has to say what the proxy did instead. */
  logs?(tail: number): Promise<string[]>;
}

/**
 * How routes reach one kind of proxy. Every proxy-specific decision lives in a renderer, and a
 * proxy preset names its renderer (`proxy.renderer`); no other module knows which proxies exist.
 * A new proxy is a preset folder plus one entry in RENDERERS.
 */
export interface ProxyRenderer {
  /** Compose labels a routed service carries in the proxy layer (label-driven proxies). */
  labels?(project: string, svc: ResolvedService): Record<string, string>;
  /** Generated files the proxy reads: its configuration. */
  files?(project: string, services: ResolvedService[]): { path: string; content: string }[];
  /** The paths `files` writes, known without rendering anything. */
  filePaths?: string[];
  /**
   * Files the proxy reads from the project's certificate folder (mounted at PROXY_TLS_DIR), written
   * with the certificate and, like it, never shipped by dev export: what only applies where the
   * dev certificate is (nginx's HTTPS listener).
   */
  tlsFiles?: { name: string; content: string }[];
  /** The proxy marks each answer with the service that gave it (X-Stack-Service). */
  namesService: boolean;
  /**
   * Applies a changed routing table in the running proxy in place, resolving once the proxy
   * serves it. Absent when the proxy follows changes by itself (Traefik watches the engine).
   */
  reload?(io: ProxyIo, services: ResolvedService[]): Promise<void>;
  /** Where the running proxy tells which routing table it serves, and that table's version. */
  servedRoutes?: { path: string; version(services: ResolvedService[]): string };
  /** How the proxy runs on Docker Swarm (dev export swarm), when that differs from compose. */
  swarm?: SwarmProxy;
}

export interface SwarmProxy {
  /** The proxy service's command on Swarm. */
  command(stack: string, network: string): string[];
  /** Routing labels under deploy.labels (where Swarm providers read them). */
  labels?(project: string, network: string, svc: ResolvedService): Record<string, string>;
  /** Reads the engine: runs on a manager node with the engine's socket mounted. */
  readsEngine: boolean;
  /** Services of the preset that exist for local development only (left out on Swarm). */
  devOnly: string[];
}

const RENDERERS: Record<string, ProxyRenderer> = {
  traefik: {
    labels: traefikLabels,
    namesService: false,
    swarm: {
      command: (stack, network) => [
        "--providers.swarm=true",
        "--providers.swarm.exposedbydefault=false",
        `--providers.swarm.constraints=Label(\`com.docker.stack.namespace\`,\`${stack}\`)`,
        `--providers.swarm.network=${network}`,
        "--entrypoints.web.address=:80",
        "--ping=true",
      ],
      labels: (project, network, svc) => {
        // The page server lives beside the socket proxy, which Swarm leaves out (devOnly).
        const labels = withoutRestartingPage(withoutDevTls(traefikLabels(project, svc)));
        if (!Object.keys(labels).length) return labels;
        delete labels["traefik.docker.network"];
        return { ...labels, "traefik.swarm.network": network };
      },
      readsEngine: true,
      // The socket proxy guards a developer's engine; on Swarm the provider reads the manager's.
      devOnly: ["socket-proxy"],
    },
  },
  nginx: {
    files: (project, services) => [{ path: NGINX_CONFIG_PATH, content: renderNginxConfig(project, services) }],
    filePaths: [NGINX_CONFIG_PATH],
    tlsFiles: [{ name: NGINX_TLS_FILE, content: NGINX_TLS_CONTENT }],
    namesService: true,
    reload: reloadNginx,
    servedRoutes: { path: ROUTES_VERSION_PATH, version: routesVersion },
  },
  caddy: {
    files: (project, services) => [{ path: CADDY_CONFIG_PATH, content: renderCaddyConfig(project, services) }],
    filePaths: [CADDY_CONFIG_PATH],
    tlsFiles: [{ name: CADDY_TLS_FILE, content: CADDY_TLS_CONTENT }],
    namesService: true,
    reload: reloadCaddy,
  },
};

export function proxyRenderer(preset: Preset): ProxyRenderer {
  const renderer = preset.proxy && RENDERERS[preset.proxy.renderer];
  if (!renderer) throw new Error(`preset ${preset.name}: no proxy renderer "${preset.proxy?.renderer}" (known: ${Object.keys(RENDERERS).join(", ")})`);
  return renderer;
}

export function proxyRendererNames(): string[] {
  return Object.keys(RENDERERS);
}

/** Every file any proxy renderer generates: what a stack that drops its proxy no longer wants. */
export function proxyGeneratedPaths(): string[] {
  return Object.values(RENDERERS).flatMap((r) => r.filePaths ?? []);
}

/**
 * nginx re-reads its generated config in place: no restart, no dropped connections. The reload
 * is asynchronous: the master starts a new generation of workers on the new config and tells the
 * old ones to stop accepting, so for a moment both answer. This waits for exactly that switch:
 * no worker of the old generation still accepts, a new one does, and nginx serves the new routes
 * version. The bound only catches a master that never switches (it logs why: dev logs nginx).
 */
export async function reloadNginx(io: ProxyIo, services: ResolvedService[], boundMs = NGINX_SWITCH_BOUND_MS): Promise<void> {
  const before = workersOf(await nginxProcesses(io));
  const res = await io.exec(["nginx", "-s", "reload"]);
  if (res.exitCode !== 0) throw runtimeError("E_NGINX_RELOAD", "nginx rejected the new configuration", "the previous configuration stays in use; see nginx's message above", res.output.split("\n"));
  const expected = routesVersion(services);
  let last = { oldAccepting: before.length, newAccepting: 0, version: undefined as string | undefined, processes: [] as string[], looked: false };
  let lookFailed: string | undefined;
  const switched = condition("nginx serving the new configuration", async (look) => {
    // A look that fails (the engine busy, the exec refused) is retried until the bound: the
    // reload was sent, and only nginx's process table tells whether it took.
    let processes: string[];
    try {
      processes = await nginxProcesses(io);
      lookFailed = undefined;
    } catch (err) {
      lookFailed = err instanceof Error ? err.message : String(err);
      return false;
    }
    const now = workersOf(processes);
    last = { oldAccepting: now.filter((pid) => before.includes(pid)).length, newAccepting: now.filter((pid) => !before.includes(pid)).length, version: undefined, processes, looked: true };
    if (last.oldAccepting > 0 || last.newAccepting === 0) return false;
    // nginx answers this path itself; a GET that has no answer by the deadline has none.
    last.version = await io.get(ROUTES_VERSION_PATH, proxyGetTimeoutMs(look?.deadline ?? 0));
    return last.version === expected;
  });
  await waitFor(switched, { timeoutMs: boundMs }).catch(async () => {
    const where = !last.looked
      ? `its processes could not be listed (${lookFailed ?? "no answer"})`
      : last.newAccepting === 0
        ? "no worker started on the new configuration"
        : last.oldAccepting > 0
          ? `${last.oldAccepting} worker(s) of the previous configuration still accept connections`
          : `it serves routes version ${last.version ?? "(no answer)"}, not ${expected}`;
    // What nginx did instead: its process table at the last look, and its own log (a master
    // that could not load the new configuration says why there).
    const logs = io.logs ? await io.logs(15).catch((err: unknown) => [`(its log could not be read: ${err instanceof Error ? err.message : String(err)})`]) : [];
    const master = await nginxMaster(io);
    throw runtimeError("E_NGINX_RELOAD", `nginx did not switch to the new configuration within ${boundMs / 1000} s: ${where}`, "see dev logs nginx", [
      `workers before the reload: ${before.join(", ") || "none"}`,
      ...(last.looked ? ["processes at the last look:", ...last.processes.map((p) => `  ${p}`)] : []),
      ...(master ? [`master: ${master}`] : []),
      ...(lookFailed && last.looked ? [`the last look failed: ${lookFailed}`] : []),
      ...(logs.length ? ["last log lines:", ...logs.map((l) => `  ${l}`)] : []),
    ]);
  });
}

/**
 * How long a reload may take to switch. The master re-reads the whole configuration first (a TLS
 * context per server block); on two cores shared with dozens of busy processes, 15 s was seen not
 * to be enough (process table unchanged, nothing in nginx's log). A master that cannot load the
 * configuration logs why at once; the bound only catches one that never switches.
 */
const NGINX_SWITCH_BOUND_MS = 60_000;

/** The master's scheduler state and CPU time (from /proc/1/stat): busy reloading, or idle. */
async function nginxMaster(io: ProxyIo): Promise<string | undefined> {
  try {
    const res = await io.exec(["cat", "/proc/1/stat"]);
    // pid (comm) state ... utime stime: fields 3, 14, 15; comm may hold spaces, so split after ")".
    const m = /^\d+ \(.*\) (\S)((?: \S+){12})/s.exec(res.output.trim());
    if (res.exitCode !== 0 || !m) return undefined;
    const fields = m[2]!.trim().split(" ");
    return `state ${m[1]}, CPU ${fields[10]}+${fields[11]} ticks (user+system)`;
  } catch {
    return undefined;
  }
}

/** The proxy container's processes, one "PID title" line each (nginx titles its processes). */
async function nginxProcesses(io: ProxyIo): Promise<string[]> {
  const res = await io.exec(["sh", "-c", 'for f in /proc/[0-9]*/cmdline; do p=${f#/proc/}; printf "%s " "${p%/cmdline}"; tr "\\0" " " < "$f"; echo; done 2>/dev/null']);
  return res.output.split("\n").map((l) => l.trimEnd()).filter((l) => /^\d+ nginx: /.test(l));
}

/** PIDs of the workers that accept connections: titled "nginx: worker process", not "... is shutting down". */
function workersOf(processes: string[]): number[] {
  const pids: number[] = [];
  for (const line of processes) {
    const m = /^(\d+) (.*)$/.exec(line);
    if (m && m[2]!.startsWith("nginx: worker process") && !m[2]!.includes("shutting down")) pids.push(Number(m[1]));
  }
  return pids;
}
