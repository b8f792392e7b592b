import type { ContainerInfo } from "../engine/engine.js";
import type { Project } from "../stack/load-project.js";
import type { DevEvent } from "./dev-events.js";
import { serviceRows, type ServiceRow } from "./service-table.js";
import { stackServices } from "./stack-services.js";

/** One service as `dev status --json` and the dashboard show it. */
export interface ServiceStatus extends ServiceRow {
  /** service: one of stack.yaml's; addon, proxy, tool: a preset's. */
  kind: "service" | "addon" | "proxy" | "tool";
  /** stack.yaml's `group:`, else the kind (services, addons, proxy, tools). */
  group: string;
  /** ISO start time, while running (the page counts the uptime on from it). */
  startedAt?: string;
  /** Its dependencies that are not running and healthy yet: what it waits for. */
  waitingFor: string[];
  /** Started only on request (compose profiles: the jumpbox). */
  onRequest: boolean;
}

export interface StatusModel {
  project: string;
  services: ServiceStatus[];
  /** dev up's reloads, restarts, rebuilds and crashes, oldest first. */
  events: DevEvent[];
}

export interface StatusInputs {
  project: Project;
  containers: ContainerInfo[];
  /** The proxy's host port (PROXY_PORT), with PROXY_HTTPS_PORT the only .env values the model uses: no secret ever enters it. */
  proxyPort?: string;
  /** The proxy's HTTPS host port (PROXY_HTTPS_PORT). */
  httpsPort?: string;
  /** Services stopped through the tool (dev stop): shown as stopped on purpose. */
  stopped?: ReadonlySet<string>;
  /** Restarts by dev up per service. */
  restarts?: Record<string, number>;
  events?: DevEvent[];
  now?: number;
}

const GROUP_OF_KIND: Record<ServiceStatus["kind"], string> = { service: "services", addon: "addons", proxy: "proxy", tool: "tools" };

/**
 * The stack's status from what the engine reports, stack.yaml and dev up's event record: one
 * pure function, so `dev status --json` and the dashboard never disagree. A service of the stack
 * without a container (removed, or never started) is listed as missing once the stack runs.
 */
export function statusModel(inputs: StatusInputs): StatusModel {
  const { project, containers } = inputs;
  const env = new Map<string, string>();
  if (inputs.proxyPort) env.set("PROXY_PORT", inputs.proxyPort);
  if (inputs.httpsPort) env.set("PROXY_HTTPS_PORT", inputs.httpsPort);
  const rows: ServiceRow[] = serviceRows(project, containers, env, inputs.restarts, inputs.now, inputs.stopped);
  const stack = stackServices(project);
  if (containers.length) {
    const have = new Set(containers.map((c) => c.service));
    rows.push(...stack.filter((s) => s.profiles.length === 0 && !have.has(s.name)).map((s) => ({ service: s.name, state: "missing", health: "-", ports: [] })));
    rows.sort((a, b) => a.service.localeCompare(b.service));
  }
  const byName = new Map(stack.map((s) => [s.name, s]));
  const ready = (name: string) => containers.some((c) => c.service === name && c.state === "running" && (c.health === "none" || c.health === "healthy"));
  const seen = new Set<string>();
  const services = rows
    // Several containers of one service (scaled): one entry, the first container's.
    .filter((r) => !seen.has(r.service) && seen.add(r.service))
    .map((row): ServiceStatus => {
      const def = byName.get(row.service);
      const kind: ServiceStatus["kind"] = def?.app || !def?.presetKind || def.presetKind === "service" ? "service" : def.presetKind;
      const container = containers.find((c) => c.service === row.service);
      return {
        ...row,
        kind,
        group: def?.app?.group ?? GROUP_OF_KIND[kind],
        startedAt: row.uptimeSeconds !== undefined ? container?.startedAt : undefined,
        waitingFor: (def?.dependsOn ?? []).filter((d) => !ready(d)),
        onRequest: (def?.profiles.length ?? 0) > 0,
      };
    });
  return { project: project.parsed.config.name, services, events: inputs.events ?? [] };
}
