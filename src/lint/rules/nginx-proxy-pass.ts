import { posix, resolve } from "node:path";
import { baseDirOf, get, parseVolume, textOf, type ComposeProject, type MapNode, type VolumeSpec } from "../../compose/index.js";
import { loadNginxConfig, nginxRoutes, type NginxSource } from "../../compose/nginx-config.js";
import { StackError } from "../../errors/stack-error.js";
import type { LintContext, LintRule } from "../lint-rule.js";
import { servicesOf } from "../project-views.js";

const NGINX_DIR = "/etc/nginx";

function bindsInto(project: ComposeProject, svc: MapNode): { target: string; source: string }[] {
  const volumes = get(svc, "volumes");
  if (volumes?.kind !== "seq") return [];
  return volumes.items.flatMap((item) => {
    let v: VolumeSpec;
    try {
      v = parseVolume(item);
    } catch {
      return [];
    }
    if (v.type !== "bind" || !v.source || !v.target.startsWith(NGINX_DIR)) return [];
    return [{ target: v.target.replace(/\/+$/, ""), source: resolve(baseDirOf(project, v.origin), v.source) }];
  });
}

/** Every name a service answers to on the project's networks: its name, container_name, hostname, aliases. */
function hostNames(project: ComposeProject): Set<string> {
  const names = new Set<string>();
  for (const [name, svc] of [...project.services, ...project.disabledServices]) {
    names.add(name);
    for (const key of ["container_name", "hostname"]) if (textOf(get(svc, key))) names.add(textOf(get(svc, key))!);
    const nets = get(svc, "networks");
    if (nets?.kind === "map") {
      for (const e of nets.entries.values()) {
        const aliases = get(e.value, "aliases");
        if (aliases?.kind === "seq") for (const a of aliases.items) if (textOf(a)) names.add(textOf(a)!);
      }
    }
    const links = get(svc, "external_links");
    if (links?.kind === "seq") for (const l of links.items) if (textOf(l)) names.add(textOf(l)!.split(":").at(-1)!);
  }
  return names;
}

/** The nginx config files a service mounts: file mounts, and *.conf / *.template of mounted folders. */
function mountedConfigs(binds: { target: string; source: string }[], ctx: LintContext): { entries: NginxSource[]; read: (containerPath: string) => NginxSource[] | undefined } {
  const hostOf = (p: string) => {
    for (const b of binds) if (p === b.target || p.startsWith(`${b.target}/`)) return posix.join(b.source, p.slice(b.target.length));
    return undefined;
  };
  const sourceAt = (host: string): NginxSource | undefined => {
    const text = ctx.extra.readFile?.(host);
    return text === undefined ? undefined : { file: host, text };
  };
  const read = (pattern: string): NginxSource[] | undefined => {
    const abs = posix.isAbsolute(pattern) ? pattern : posix.join(NGINX_DIR, pattern);
    const base = posix.basename(abs);
    if (!base.includes("*")) {
      const host = hostOf(abs);
      const src = host ? sourceAt(host) : undefined;
      return src ? [src] : undefined;
    }
    const dir = hostOf(posix.dirname(abs));
    const list = dir ? ctx.extra.listDir?.(dir) : undefined;
    if (!dir || !list) return undefined;
    const re = new RegExp(`^${base.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    return list.filter((f) => re.test(f)).sort().flatMap((f) => sourceAt(posix.join(dir, f)) ?? []);
  };
  const entries = hostOf(`${NGINX_DIR}/nginx.conf`) ? (read(`${NGINX_DIR}/nginx.conf`) ?? []) : [...(read(`${NGINX_DIR}/conf.d/*.conf`) ?? []), ...(read(`${NGINX_DIR}/templates/*.template`) ?? [])];
  return { entries, read };
}

export const nginxProxyPass: LintRule = {
  meta: {
    id: "nginx-proxy-pass",
    severity: "error",
    docs: "An nginx config the project mounts passes requests (proxy_pass, upstream server) to a host name that is no service of the project: every request there fails with 502.",
    fixable: false,
  },
  check(ctx) {
    const names = hostNames(ctx.project);
    for (const [, svc] of servicesOf(ctx.project)) {
      const binds = bindsInto(ctx.project, svc);
      if (binds.length === 0) continue;
      const { entries, read } = mountedConfigs(binds, ctx);
      for (const entry of entries) {
        let found;
        try {
          found = nginxRoutes(loadNginxConfig(entry, (pattern) => read(pattern)), (h) => (names.has(h) ? h : undefined));
        } catch (err) {
          if (err instanceof StackError && err.location) {
            ctx.report({ file: err.location.file, line: err.location.line ?? 1, col: err.location.col ?? 1 }, `nginx config does not parse: ${err.message}`);
            continue;
          }
          throw err;
        }
        for (const u of found.unmapped) {
          const host = /sends to "([^"]+)", which is not a service/.exec(u.reason)?.[1];
          // A dotted name, an address or localhost is outside compose's DNS: not ours to judge.
          if (!host || host.includes(".") || host.includes(":") || host.includes("$") || host === "localhost" || host.startsWith("unix")) continue;
          ctx.report({ file: u.at.file, line: u.at.line ?? 1, col: u.at.col ?? 1 }, `nginx location ${u.path} passes to "${host}", which is no service of this project (services: ${[...ctx.project.services.keys()].join(", ")})`);
        }
      }
    }
  },
};
