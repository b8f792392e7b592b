import { runtimeError } from "../errors/stack-error.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { condition, waitFor } from "../wait/index.js";
import { CADDY_CONFIG_IN_CONTAINER } from "./caddy-config.js";
import type { ProxyIo } from "./proxy-renderers.js";
import { ROUTES_VERSION_PATH, routesVersion } from "./routes-version.js";

/**
 * Caddy loads the regenerated Caddyfile through its admin API (inside the container, on
 * localhost:2019): the new servers take over the same listeners, so no connection is dropped and
 * the container keeps running. `caddy reload` returns once the new configuration runs; the wait
 * after it only confirms, through the host port, that it serves the new routes version.
 */
export async function reloadCaddy(io: ProxyIo, services: ResolvedService[], boundMs = 15_000): Promise<void> {
  const res = await io.exec(["caddy", "reload", "--config", CADDY_CONFIG_IN_CONTAINER, "--adapter", "caddyfile"]);
  if (res.exitCode !== 0) throw runtimeError("E_PROXY_RELOAD", "Caddy rejected the new configuration", "the previous configuration stays in use; see Caddy's message above", res.output.split("\n"));
  const expected = routesVersion(services);
  let last: string | undefined;
  const served = condition("Caddy serving the new configuration", async () => (last = await io.get(ROUTES_VERSION_PATH)) === expected);
  await waitFor(served, { timeoutMs: boundMs }).catch(() => {
    throw runtimeError("E_PROXY_RELOAD", `Caddy did not serve the new configuration within ${boundMs / 1000} s: it serves routes version ${last ?? "(no answer)"}, not ${expected}`, "see dev logs caddy");
  });
}
