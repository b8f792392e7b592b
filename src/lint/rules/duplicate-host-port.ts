import type { PortSpec } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { isAllInterfaces, portsOf, servicesOf } from "../project-views.js";

const overlaps = (a: PortSpec, b: PortSpec) =>
  a.protocol === b.protocol &&
  a.published!.start <= b.published!.end &&
  b.published!.start <= a.published!.end &&
  (isAllInterfaces(a.hostIp) || isAllInterfaces(b.hostIp) || a.hostIp === b.hostIp);

const show = (p: PortSpec) => `${p.hostIp ? `${p.hostIp}:` : ""}${p.published!.start}${p.published!.end !== p.published!.start ? `-${p.published!.end}` : ""}/${p.protocol}`;

export const duplicateHostPort: LintRule = {
  meta: {
    id: "duplicate-host-port",
    severity: "error",
    docs: "Two services (or one twice) publish the same host port after the files are merged: the second fails to start with 'port is already allocated'. 443/tcp beside 443/udp is fine.",
    fixable: false,
  },
  check(ctx) {
    const taken: { service: string; port: PortSpec }[] = [];
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const port of portsOf(svc)) {
        if (!port.published) continue;
        const clash = taken.find((t) => overlaps(t.port, port));
        if (clash) {
          const where = `${clash.port.origin.file === port.origin.file ? "" : `${clash.port.origin.file.split("/").at(-1)}:`}${clash.port.origin.line}`;
          ctx.report(port.origin, `host port ${show(port)} of ${name} is already published by ${clash.service === name ? "this service" : clash.service} (${show(clash.port)}, line ${where})`);
        }
        taken.push({ service: name, port });
      }
    }
  },
};
