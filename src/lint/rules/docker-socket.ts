import { get, parseVolume, type VolumeSpec } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { imageOf, servicesOf } from "../project-views.js";

// Images whose job is to read the engine's API: proxies that discover containers, socket proxies.
const SOCKET_CONSUMERS = /(^|\/)(traefik|docker-socket-proxy|socket-proxy|nginx-proxy|docker-gen|docker-flow-proxy|caddy-docker-proxy|watchtower|portainer|autoheal|cadvisor|dozzle|homepage|promtail|alloy|vector|fluent-bit|logspout|dockerproxy)$/i;

const isSocket = (v: VolumeSpec) => v.type === "bind" && !!v.source && /(^|\/)(docker|podman)\.sock$/.test(v.source);

export const dockerSocket: LintRule = {
  meta: {
    id: "docker-socket",
    severity: "warning",
    docs: "The Docker socket gives root on the host: mount it only into a proxy or tool made for it, and read-only.",
    fixable: false,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      const volumes = get(svc, "volumes");
      if (volumes?.kind !== "seq") continue;
      for (const item of volumes.items) {
        let v: VolumeSpec;
        try {
          v = parseVolume(item);
        } catch {
          continue;
        }
        if (!isSocket(v)) continue;
        const image = imageOf(svc);
        const consumer = image && SOCKET_CONSUMERS.test(image.ref.repository);
        if (!consumer) ctx.report(v.origin, `${name} mounts the Docker socket (${v.source}), which gives it root on the host; only a proxy or tool made for it should (or put a socket proxy between)`);
        else if (!v.readOnly) ctx.report(v.origin, `${name} mounts the Docker socket writable: add :ro`);
      }
    }
  },
};
