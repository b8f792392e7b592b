import type { Look, Readiness } from "./wait-for.js";

/** Any cheap check as a readiness condition, e.g. "nginx serves the new routes version". */
export function condition(what: string, check: (look?: Look) => Promise<boolean>, intervalMs = 25): Readiness {
  return { what, intervalMs, probe: async (look) => ({ ready: await check(look) }) };
}
