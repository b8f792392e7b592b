// Types of service-rows.js (the page loads the .js as is; this file is for the tests' type check).

/** A service as the push channel sends it (the fields the table shows). */
export interface ServiceView {
  service: string;
  state: string;
  health: string;
  url?: string;
  httpsUrl?: string;
  ports: string[];
  restarts?: number;
  exitCode?: number;
  startedAt?: string;
  kind: string;
  group: string;
  waitingFor: string[];
}

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
