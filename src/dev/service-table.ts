import type { ContainerInfo } from "../engine/engine.js";
import type { Project } from "../stack/load-project.js";

export interface ServiceRow {
  service: string;
  state: string;
  health: string;
  url?: string;
  ports: string[];
}

/** One row per container of the project, with the URL its route has through the proxy. */
export function serviceRows(project: Project, containers: ContainerInfo[], env: ReadonlyMap<string, string>): ServiceRow[] {
  const proxyPort = env.get("PROXY_PORT");
  const routes = new Map(project.services.filter((s) => s.route).map((s) => [s.name, s.route!]));
  return [...containers]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((c) => ({
      service: c.service,
      state: c.state,
      health: c.health === "none" ? "-" : c.health,
      url: routes.has(c.service) && proxyPort ? `http://127.0.0.1:${proxyPort}${routes.get(c.service)}` : undefined,
      ports: c.ports.filter((p) => p.hostPort).map((p) => `${p.hostIp ?? "127.0.0.1"}:${p.hostPort}->${p.containerPort}`),
    }));
}

export function formatTable(rows: ServiceRow[]): string {
  const cells = [["SERVICE", "STATE", "HEALTH", "URL", "PORTS"], ...rows.map((r) => [r.service, r.state, r.health, r.url ?? "-", r.ports.join(", ") || "-"])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}
