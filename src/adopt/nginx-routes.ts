import { posix } from "node:path";
import { loadNginxConfig, nginxRoutes, type NginxRoute, type NginxSource } from "../compose/nginx-config.js";
import type { ComposeServiceView, ProjectFiles, Unmapped } from "./adopt-model.js";

const NGINX_DIR = "/etc/nginx";

/**
 * The routes of the nginx config a project's nginx service mounts: nginx.conf, a conf.d file or
 * the conf.d folder (or templates/, read as written). Includes are followed through the
 * service's mounts; container paths the project does not mount are files of the image.
 */
export function nginxOfProject(
  nginx: ComposeServiceView,
  services: ComposeServiceView[],
  files: ProjectFiles,
  rel: (abs: string) => string | undefined,
): { routes: NginxRoute[]; unmapped: Unmapped[]; config?: string } {
  const binds = nginx.volumes.filter((v) => v.type === "bind" && v.source && v.target.startsWith(NGINX_DIR));
  // Container path -> host path, through the mounts (a file mount, or a folder mount and below).
  const hostPathOf = (containerPath: string): string | undefined => {
    for (const b of binds) {
      const target = b.target.replace(/\/+$/, "");
      if (containerPath === target) return b.source!;
      if (containerPath.startsWith(`${target}/`)) return posix.join(b.source!, containerPath.slice(target.length + 1));
    }
    return undefined;
  };
  const sourceOf = (abs: string): NginxSource | undefined => {
    const text = files.read(abs);
    return text === undefined ? undefined : { file: rel(abs) ?? abs, text };
  };
  const expand = (containerPattern: string): NginxSource[] | undefined => {
    const dir = posix.dirname(containerPattern);
    const base = posix.basename(containerPattern);
    if (!base.includes("*")) {
      const host = hostPathOf(containerPattern);
      const src = host ? sourceOf(host) : undefined;
      return src ? [src] : undefined;
    }
    const hostDir = hostPathOf(dir);
    if (!hostDir || !files.isDirectory(hostDir)) return undefined;
    const re = new RegExp(`^${base.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, ".")}$`);
    return files.list(hostDir).filter((f) => re.test(f)).sort().flatMap((f) => sourceOf(posix.join(hostDir, f)) ?? []);
  };
  // Which file nginx starts from: a mounted nginx.conf, else what it includes by default (conf.d/*.conf).
  const entries = hostPathOf(`${NGINX_DIR}/nginx.conf`) ? expand(`${NGINX_DIR}/nginx.conf`) : expand(`${NGINX_DIR}/conf.d/*.conf`) ?? expand(`${NGINX_DIR}/templates/*.template`);
  const unmapped: Unmapped[] = [];
  if (!entries?.length) {
    unmapped.push({ service: nginx.name, what: "its nginx config", reason: nginx.build ? "it is part of the image built from its build context, not mounted from the project" : "no config file of the project is mounted into /etc/nginx", at: nginx.at });
    return { routes: [], unmapped };
  }
  const byHost = new Map<string, string>();
  for (const s of services) {
    byHost.set(s.name, s.name);
    for (const a of s.aliases) byHost.set(a, s.name);
  }
  const routes: NginxRoute[] = [];
  for (const entry of entries) {
    const config = loadNginxConfig(entry, (pattern) => expand(posix.isAbsolute(pattern) ? pattern : posix.join(NGINX_DIR, pattern)));
    const found = nginxRoutes(config, (h) => byHost.get(h));
    routes.push(...found.routes);
    for (const u of found.unmapped) unmapped.push({ service: nginx.name, what: `nginx location ${u.path}`, reason: u.reason, at: u.at });
  }
  return { routes, unmapped, config: entries[0]!.file };
}
