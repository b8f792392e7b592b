import { createHash } from "node:crypto";
import type { ResolvedService } from "../stack/resolve-services.js";

/**
 * Where a file-configured proxy serves the fingerprint of its routing table (see the nginx and
 * Caddy templates): `dev add` and `dev remove` wait for the new one after a reload.
 */
export const ROUTES_VERSION_PATH = "/.well-known/create-stack/routes";

/** A short fingerprint of the routing table. */
export function routesVersion(services: ResolvedService[]): string {
  const table = services
    .filter((s) => s.route && s.port !== undefined)
    .map((s) => `${s.route} ${s.name}:${s.port}${s.strip ? " strip" : ""}`)
    .sort()
    .join("\n");
  return createHash("sha256").update(table).digest("hex").slice(0, 12);
}
