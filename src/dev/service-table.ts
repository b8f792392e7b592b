import type { ContainerInfo } from "../engine/engine.js";
import type { Project } from "../stack/load-project.js";
import { routeUrls } from "../stack/route-urls.js";

export interface ServiceRow {
  service: string;
  state: string;
  health: string;
  url?: string;
  /** The same route over HTTPS (the proxy's HTTPS port, the name its certificate carries). */
  httpsUrl?: string;
  ports: string[];
  /** Set when the container has stopped (by itself: not for one stopped on purpose). */
  exitCode?: number;
  /** Stopped through the tool (dev stop, dev down): left stopped until dev start or dev up. */
  stoppedOnPurpose?: boolean;
  /** Restarts by `dev up` (saves and crashes) plus Docker's own. */
  restarts?: number;
  /** Seconds since it started, while running. */
  uptimeSeconds?: number;
}

/**
 * One row per container of the project, with the URL its route has through the proxy. A stopped
 * container has no health (Docker keeps the last verdict: "unhealthy" for one stopped on purpose);
 * one stopped through the tool (`stopped`, from .create-stack/stopped.json) says so.
 */
export function serviceRows(project: Project, containers: ContainerInfo[], env: ReadonlyMap<string, string>, restarts?: Record<string, number>, now = Date.now(), stopped: ReadonlySet<string> = new Set()): ServiceRow[] {
  const routes = new Map(project.services.filter((s) => s.route).map((s) => [s.name, s.route!]));
  return [...containers]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((c) => ({
      service: c.service,
      state: c.state,
      ...(c.state !== "running" && stopped.has(c.service) ? { stoppedOnPurpose: true } : {}),
      health: c.health === "none" || c.state !== "running" ? "-" : c.health,
      ...routeFields(routes.get(c.service), env),
      ports: c.ports.filter((p) => p.hostPort).map((p) => `${p.hostIp ?? "127.0.0.1"}:${p.hostPort}->${p.containerPort}`),
      exitCode: (c.state === "exited" || c.state === "dead") && !stopped.has(c.service) ? c.exitCode : undefined,
      restarts: restarts || c.restartCount !== undefined ? (restarts?.[c.service] ?? 0) + (c.restartCount ?? 0) : undefined,
      uptimeSeconds: c.state === "running" && c.startedAt && Date.parse(c.startedAt) > 0 ? Math.max(0, Math.round((now - Date.parse(c.startedAt)) / 1000)) : undefined,
    }));
}

/** 42 s, 3m 12s, 2h 5m, 3d 4h. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

export function formatTable(rows: ServiceRow[]): string {
  const extra = rows.some((r) => r.restarts !== undefined || r.uptimeSeconds !== undefined);
  // The HTTPS column only where the proxy serves HTTPS (every proxy preset shipped does).
  const https = rows.some((r) => r.httpsUrl) ? ["HTTPS"] : [];
  const httpsCell = (r: ServiceRow) => (https.length ? [r.httpsUrl ?? "-"] : []);
  const state = (r: ServiceRow) => (r.stoppedOnPurpose ? "stopped (dev stop)" : r.exitCode !== undefined ? `${r.state} (${r.exitCode})` : r.state);
  const cells = extra
    ? [
        ["SERVICE", "STATE", "HEALTH", "UP", "RESTARTS", "URL", ...https, "PORTS"],
        ...rows.map((r) => [r.service, state(r), r.health, r.uptimeSeconds !== undefined ? formatDuration(r.uptimeSeconds) : "-", String(r.restarts ?? 0), r.url ?? "-", ...httpsCell(r), r.ports.join(", ") || "-"]),
      ]
    : [["SERVICE", "STATE", "HEALTH", "URL", ...https, "PORTS"], ...rows.map((r) => [r.service, state(r), r.health, r.url ?? "-", ...httpsCell(r), r.ports.join(", ") || "-"])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** A row's url and httpsUrl, present (possibly undefined) as the table's columns expect. */
function routeFields(route: string | undefined, env: ReadonlyMap<string, string>): { url?: string; httpsUrl?: string } {
  const urls = route ? routeUrls(route, env) : {};
  return { url: urls.url, httpsUrl: urls.httpsUrl };
}
