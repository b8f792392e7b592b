// Types of service-rows.js (the page loads the .js as is; this file is for the tests' type check).

import type { ServiceStatus } from "../src/dev/status-model.js";

/** A service as the push channel sends it: the fields of the status model the table shows. */
export type ServiceView = Pick<
  ServiceStatus,
  "service" | "state" | "health" | "url" | "httpsUrl" | "ports" | "restarts" | "exitCode" | "startedAt" | "kind" | "group" | "waitingFor"
>;

export interface CellItem {
  text: string;
  /** Links. */
  href?: string;
  cls?: string;
  title?: string;
  /** Buttons. */
  action?: string;
  disabled?: boolean;
}

export interface Cell {
  cls: string;
  text?: string;
  items?: CellItem[];
}

export interface CellChange {
  index: number;
  cls?: string;
  text?: string;
  items?: CellItem[];
}

export type LayoutRow = { group: string; count: number; service?: undefined } | { service: string };

export const COLUMNS: string[];
export function age(iso: string, now: number): string;
export function rowModel(s: ServiceView, busy: string | undefined, now: number): Cell[];
export function diffRow(prev: Cell[] | undefined, next: Cell[]): CellChange[];
export function layoutRows(services: Iterable<ServiceView>, grouped: boolean): { key: string; rows: LayoutRow[] };
