import { isAbsolute, posix, relative, sep } from "node:path";
import type { Adoption, AdoptedService, ComposeServiceView, ProjectFiles, Unmapped } from "./adopt-model.js";
import { ignoreMatcher } from "../watch/glob.js";
import { nginxOfProject } from "./nginx-routes.js";
import { traefikRoutes, type LabelRoute } from "./traefik-routes.js";

export interface AdoptInput {
  name: string;
  /** The project's compose files, absolute, in merge order. */
  compose: string[];
  services: ComposeServiceView[];
  /** Services their profiles leave off. */
  disabled: string[];
  files: ProjectFiles;
}

/** Dependency manifests: a change to one rebuilds the image (the install step runs again). */
const MANIFESTS = [
  "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
  "requirements.txt", "requirements-dev.txt", "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock",
  "go.mod", "go.sum", "Gemfile", "Gemfile.lock", "Cargo.toml", "Cargo.lock", "pom.xml", "build.gradle", "composer.json", "composer.lock",
];

const imageName = (image: string | undefined) => (image ?? "").split("@")[0]!.replace(/:[^/:]*$/, "").split("/").at(-1) ?? "";

/**
 * Reads a merged compose project as stack.yaml's model: per service its image or build context,
 * what to watch (bind-mounted sources restart, Dockerfile and manifests rebuild), its
 * dependencies, its port and its route from Traefik labels or the nginx config the project mounts.
 * Pure: the project's files come through `files`. What it cannot place it lists with the reason.
 */
export function adoptProject(input: AdoptInput): Adoption {
  const { files } = input;
  const root = files.root;
  const unmapped: Unmapped[] = [];
  const rel = (abs: string): string | undefined => {
    const r = relative(root, abs);
    if (r === "") return ".";
    if (r.startsWith("..") || isAbsolute(r)) return undefined;
    return r.split(sep).join("/");
  };
  const names = new Set(input.services.map((s) => s.name));

  const traefik = input.services.find((s) => imageName(s.image) === "traefik");
  // nginx as the project's proxy: an nginx service with a config of the project mounted (or built in).
  const nginx = traefik
    ? undefined
    : input.services.find((s) => /^nginx(-unprivileged)?$/.test(imageName(s.image)) && (s.build || s.volumes.some((v) => v.type === "bind" && v.target.startsWith("/etc/nginx"))));
  const labelRoutes = traefikRoutes(input.services);
  if (traefik) unmapped.push(...labelRoutes.unmapped);
  const nginxRead = nginx ? nginxOfProject(nginx, input.services, files, rel) : undefined;
  if (nginxRead) unmapped.push(...nginxRead.unmapped);

  /** .dockerignore globs, project-relative, with the build context they speak for. */
  const ignore: { glob: string; context: string }[] = [];
  const services: Record<string, AdoptedService> = {};
  for (const svc of input.services) {
    const out: AdoptedService = {};
    if (svc.build) {
      const context = rel(svc.build.context);
      if (context === undefined) {
        unmapped.push({ service: svc.name, what: `build context ${svc.build.context}`, reason: "it lies outside the project, so its changes are not watched", at: svc.at });
      } else {
        out.build = context;
        const dockerfileAbs = svc.build.dockerfile ? posix.resolve(svc.build.context, svc.build.dockerfile) : posix.join(svc.build.context, "Dockerfile");
        const dockerfile = rel(dockerfileAbs);
        if (dockerfile && dockerfile !== posix.join(context, "Dockerfile")) out.dockerfile = dockerfile;
        for (const glob of dockerignoreGlobs(files.read(posix.join(svc.build.context, ".dockerignore")), context)) {
          if (!ignore.some((i) => i.glob === glob && i.context === context)) ignore.push({ glob, context });
        }
      }
    }
    if (svc.image !== undefined) out.image = svc.image;

    const watch: string[] = [];
    for (const v of svc.volumes) {
      if (v.type !== "bind" || !v.source) continue;
      const path = rel(v.source);
      if (path === undefined) {
        unmapped.push({ service: svc.name, what: `volume ${v.source}:${v.target}`, reason: "its source lies outside the project, so it is not watched", at: v.at });
        continue;
      }
      if (files.read(v.source) === undefined && !files.isDirectory(v.source)) {
        unmapped.push({ service: svc.name, what: `volume ${path}:${v.target}`, reason: "its source does not exist yet (the engine would create an empty folder), so it is not watched", at: v.at });
        continue;
      }
      if (files.isDirectory(v.source) && out.path === undefined) out.path = path;
      else if (!watch.includes(path)) watch.push(path);
    }
    if (watch.length) out.watch = watch;
    // A known command (no entrypoint of theirs in between) over a mounted source: a change reloads
    // the process in place under our supervisor instead of restarting the container.
    // Only over an image built here from a Dockerfile without an ENTRYPOINT: an entrypoint would be
    // handed the supervisor as its argument.
    if (out.path !== undefined && svc.command?.length && !svc.entrypoint && svc.build && ownEntrypoint(files.read(dockerfileOf(svc.build))) === false) out.command = svc.command;
    if (out.build !== undefined) {
      const folders = [...(out.path !== undefined ? [out.path] : []), ...watch.filter((w) => files.isDirectory(posix.join(root, w)))];
      out.rebuild_on = rebuildTriggers(out.build, out.dockerfile, folders, new Set(files.list(posix.join(root, out.build))));
    }

    const deps = svc.dependsOn.filter((d) => names.has(d));
    if (deps.length) out.depends_on = deps;

    const labels = traefik ? labelRoutes.routes.get(svc.name) : undefined;
    const fromNginx = nginxRead?.routes.filter((r) => r.service === svc.name) ?? [];
    const route = labels ? pickLabelRoute(svc.name, labels, unmapped) : undefined;
    if (route) {
      if (route.port !== undefined) out.port = route.port;
      if (route.path !== undefined) out.route = route.path;
      if (route.host !== undefined) out.host = route.host;
      if (route.path !== undefined) out.strip_prefix = route.strip.includes(route.path) || route.strip.includes(route.path.replace(/\/$/, ""));
    } else if (fromNginx.length) {
      const [first, ...rest] = fromNginx;
      out.port = first!.port;
      if (first!.match === "prefix" || first!.match === "prefix-no-regex") {
        out.route = first!.path;
        out.strip_prefix = first!.uri !== undefined && first!.path !== "/" && (first!.uri === "/" || first!.uri === "");
      } else {
        unmapped.push({ service: svc.name, what: `nginx location ${first!.path}`, reason: `it matches by ${first!.match}, and stack.yaml routes by path prefix`, at: first!.location });
      }
      for (const r of rest) unmapped.push({ service: svc.name, what: `nginx location ${r.path}`, reason: "stack.yaml keeps one route per service; this one stays in the nginx config", at: r.location });
    }
    if (out.port === undefined) {
      const targets = [...new Set([...svc.ports.map((p) => p.target), ...svc.expose])];
      if (targets.length === 1) out.port = targets[0]!;
    }
    services[svc.name] = out;
  }

  let proxy: Adoption["proxy"];
  if (traefik) proxy = { kind: "traefik", service: traefik.name };
  else if (nginx && nginxRead?.config) proxy = { kind: "nginx", service: nginx.name, config: nginxRead.config };

  // A .dockerignore speaks for its build context only, and never for what the build itself reads:
  // a pattern that would hide what a service mounts (purldb's **/etc and nginx's etc/nginx/conf.d),
  // another build context, a Dockerfile (purldb's .dockerignore names it: docker still reads it)
  // or a dependency manifest is not a project-wide ignore.
  // Such a pattern still speaks for the images built from its context: their rebuild_on takes it
  // back (purldb's web is not rebuilt for an edit of the nginx config that **/etc keeps out of it).
  const guarded = protectedPaths(services);
  const hidesAny = (glob: string, paths: string[]) => {
    const hides = ignoreMatcher([glob, `${glob}/**`]);
    return paths.some((m) => m.split("/").some((_, i, parts) => hides(parts.slice(0, i + 1).join("/"))));
  };
  const kept: string[] = [];
  for (const { glob, context } of ignore) {
    if (!hidesAny(glob, guarded)) {
      if (!kept.includes(glob)) kept.push(glob);
      continue;
    }
    for (const s of Object.values(services)) {
      const readAnyway = [s.dockerfile ?? inFolder(context, "Dockerfile"), ...(s.rebuild_on ?? []).filter((g) => !/[*?[{!]/.test(g))];
      if (s.build !== context || !s.rebuild_on?.some((g) => g.endsWith("**")) || hidesAny(glob, readAnyway)) continue;
      s.rebuild_on.push(`!${glob}`, `!${glob}/**`);
    }
  }
  const compose = input.compose.map((f) => rel(f) ?? f);
  return { name: input.name, compose, ...(proxy ? { proxy } : {}), services, ignore: kept, disabled: input.disabled, unmapped };
}

const dockerfileOf = (build: { context: string; dockerfile?: string }) => (build.dockerfile ? posix.resolve(build.context, build.dockerfile) : posix.join(build.context, "Dockerfile"));

/** Whether a Dockerfile sets an ENTRYPOINT; undefined when it cannot be read. */
function ownEntrypoint(text: string | undefined): boolean | undefined {
  return text === undefined ? undefined : /^\s*ENTRYPOINT\b/im.test(text);
}

/** Paths the watcher must see: mounted sources, build contexts, Dockerfiles, dependency manifests. */
function protectedPaths(services: Record<string, AdoptedService>): string[] {
  const out = new Set<string>();
  for (const s of Object.values(services)) {
    for (const m of [...(s.path !== undefined ? [s.path] : []), ...(s.watch ?? [])]) out.add(m);
    if (s.build === undefined) continue;
    out.add(s.build);
    out.add(s.dockerfile ?? inFolder(s.build, "Dockerfile"));
    for (const g of s.rebuild_on ?? []) if (!/[*?[{!]/.test(g)) out.add(g);
  }
  out.delete(".");
  return [...out];
}

/**
 * A build context's .dockerignore as project-relative watcher ignores. One that takes files back
 * with `!` (an allowlist: `*` then `!src`) is left out whole: the watcher's ignores have no
 * take-back, and ignoring its `*` would hide the very sources the image is built from.
 */
function dockerignoreGlobs(text: string | undefined, context: string): string[] {
  const lines = (text ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.some((l) => l.startsWith("!"))) return [];
  return lines.map((l) => inFolder(context, l.replace(/^\/+/, "").replace(/\/+$/, "")));
}

const under = (path: string, folder: string) => folder === "." || path === folder || path.startsWith(`${folder}/`);
const inFolder = (folder: string, f: string) => (folder === "." ? f : `${folder}/${f}`);

/**
 * What rebuilds an image built from `context`, given the folders the service bind-mounts. What
 * the image holds and no mount covers is only refreshed by a build:
 * - the context is the mounted folder (build: . with .:/app): the code is live, so only the
 *   Dockerfile and the dependency manifests rebuild;
 * - the context lies inside a mounted folder (build: docker/dev with .:/app): a folder of its
 *   own for the image (scripts, config copied in), so all of it rebuilds;
 * - mounted folders lie inside the context (build: . with ./src:/app/src): the rest of the
 *   context rebuilds, the mounted folders restart (`!` takes them back), their manifests rebuild;
 * - no mount: the image holds the code, so any change in the context rebuilds it.
 */
function rebuildTriggers(context: string, dockerfileOption: string | undefined, folders: string[], present: Set<string>): string[] {
  const dockerfile = dockerfileOption ?? inFolder(context, "Dockerfile");
  const manifests = MANIFESTS.filter((f) => present.has(f)).map((f) => inFolder(context, f));
  const all = inFolder(context, "**");
  const withDockerfile = (globs: string[]) => (under(dockerfile, context) ? globs : [...globs, dockerfile]);
  if (folders.includes(context)) return [dockerfile, ...manifests];
  if (folders.some((f) => under(context, f))) return withDockerfile([all]);
  const inside = folders.filter((f) => under(f, context));
  if (inside.length === 0) return withDockerfile([all]);
  return [all, ...inside.map((f) => `!${f}/**`), dockerfile, ...manifests];
}

/** The route stack.yaml keeps: a path one first, then a host one; the rest are listed. */
function pickLabelRoute(service: string, routes: LabelRoute[], unmapped: Unmapped[]): LabelRoute | undefined {
  const usable = routes.filter((r) => r.hostRegexp === undefined && !r.exact);
  for (const r of routes) {
    if (r.hostRegexp !== undefined) unmapped.push({ service, what: `router ${r.router} HostRegexp(\`${r.hostRegexp}\`)`, reason: "a host pattern, not one host; Traefik keeps routing it", at: r.at });
    else if (r.exact) unmapped.push({ service, what: `router ${r.router} Path(\`${r.path}\`)`, reason: "an exact path, and stack.yaml routes by prefix; Traefik keeps routing it", at: r.at });
  }
  const chosen = usable.find((r) => r.path !== undefined) ?? usable[0];
  for (const r of usable) {
    if (r === chosen || (r.path === chosen?.path && r.host === chosen?.host)) continue;
    unmapped.push({ service, what: `router ${r.router} ${r.host ? `Host(\`${r.host}\`)` : ""}${r.path ? ` PathPrefix(\`${r.path}\`)` : ""}`.trim(), reason: "stack.yaml keeps one route per service; Traefik keeps routing this one", at: r.at });
  }
  return chosen;
}
