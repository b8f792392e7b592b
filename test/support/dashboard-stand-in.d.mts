import type { Server } from "node:http";
import type { ServiceStatus } from "../../src/dev/status-model.js";

export function manyService(i: number, tick?: number): ServiceStatus;
export function dashboardStandIn(options: { project: string; count: number }): {
  server: Server;
  send(event: string, data: unknown): void;
  listen(): Promise<string>;
  close(): void;
};
