import type { PresetRegistry } from "../presets/load-presets.js";
import { PROXY_TLS_DIR } from "../render/proxy-tls.js";
import type { LayerName, Preset } from "../presets/preset.js";
import { collectEnvEntries } from "../plan/env-entries.js";
import type { ResolvedService } from "../stack/resolve-services.js";
import { buildLayers } from "../render/compose-layers.js";
import { proxyGeneratedPaths } from "../render/proxy-renderers.js";
import type { StackConfig } from "../stack/stack-config.js";
import { StackError } from "../errors/stack-error.js";
import type { ValueContext } from "./compose-values.js";

type Def = Record<string, unknown>;

/** What an export needs besides the stack: read at the edge (.env, git, Dockerfiles), passed in as data. */
export interface ExportInput {
  stack: StackConfig;
  presets: PresetRegistry;
  services: ResolvedService[];
  /** .env values. */
  env: Record<string, string>;
  /** Swarm stack name or Kubernetes name prefix; the project name by default. */
  name?: string;
  /** Registry for the images we build, e.g. registry.example.com/team. */
  registry?: string;
  /** Tag of the images we build (see image-tag.ts), per service where they differ. */
  tag: string;
  tags?: Record<string, string>;
  /** The proxy's published port; PROXY_PORT from .env by default. */
  publishPort?: number;
  /** ENTRYPOINT + CMD of each built service's Dockerfile, when it declares them in exec or shell form. */
  startCommands?: Record<string, string[] | undefined>;
}

export type ServiceRole = "app" | "worker" | "addon" | "proxy" | "tool";

export interface ExportService {
  name: string;
  role: ServiceRole;
  /** The preset the service comes from (template or add-on). */
  preset?: Preset;
  /** Base, proxy and tools layers merged: what runs outside development. */
  def: Def;
  image: string;
  /** Built from source by us: context, Dockerfile and build args, project-relative. */
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  /** Ports the container listens on, for Services and probes. */
  ports: number[];
  /** Named volumes: volume name -> mount path. */
  volumes: { name: string; target: string }[];
  /**
   * Folders of generated configuration bind-mounted from the project (a proxy's config): shipped
   * as Swarm configs, one per file, at the same place in the container.
   */
  configMounts: { folder: string; target: string }[];
  /** Host paths every node has (the Docker socket), kept as bind mounts. */
  hostMounts: string[];
  /** The proxy's public port: target in the container, published from .env. */
  publish?: { target: number; published: number };
  resolved?: ResolvedService;
  /** The image's own start command (entrypoint + cmd) when known. */
  startCommand?: string[];
}

export interface ExportModel {
  name: string;
  project: string;
  services: ExportService[];
  /** Secret .env keys (random per project): never written into an exported file. */
  secretKeys: string[];
  /** Non-secret .env keys the presets declare (POSTGRES_USER, ...), without host ports. */
  configKeys: string[];
  values: ValueContext;
  routes: { route: string; service: string; port: number; strip: boolean }[];
  proxy?: string;
}

const EXPORTED_LAYERS: LayerName[] = ["base", "proxy", "tools"];

/**
 * The stack as the exporters see it, from the same layers `dev sync` writes: dev-only settings
 * (source mounts, host ports, dev commands) are left out. Whatever cannot be carried over
 * faithfully is reported, all at once, before anything is written.
 */
export function buildExportModel(input: ExportInput): ExportModel {
  const { stack, presets, services } = input;
  const name = input.name ?? stack.name;
  const layers = buildLayers(stack, presets, services);
  const entries = collectEnvEntries(stack, presets, services);
  const secretKeys = entries.filter((e) => e.spec.secret).map((e) => e.key);
  const configKeys = entries.filter((e) => e.spec.value !== undefined && !e.key.startsWith("COMPOSE_")).map((e) => e.key);
  const values: ValueContext = { env: input.env, secrets: new Set(secretKeys) };

  const owner = new Map<string, Preset>();
  for (const p of stack.presets) {
    const preset = presets.get(p)!;
    for (const fragment of Object.values(preset.layers)) for (const svc of Object.keys(fragment?.services ?? {})) owner.set(svc, preset);
  }
  // Configuration the plan generates for the presets: what a bind mount of a project folder may ship.
  const generated = [
    ...proxyGeneratedPaths(),
    ...stack.presets.flatMap((p) => (presets.get(p)?.files ?? []).filter((f) => f.owner === "generated" && !f.path.includes("{{")).map((f) => f.path)),
  ];
  const problems: StackError[] = [];
  const names = new Set<string>();
  for (const layer of EXPORTED_LAYERS) for (const svc of Object.keys(layers.get(layer)?.services ?? {})) names.add(svc);

  const out: ExportService[] = [];
  for (const svcName of names) {
    let def: Def = {};
    for (const layer of EXPORTED_LAYERS) {
      const d = layers.get(layer)?.services[svcName];
      if (d) def = { ...def, ...d };
    }
    const resolved = services.find((s) => s.name === svcName);
    const preset = resolved?.preset ?? owner.get(svcName);
    const role: ServiceRole = resolved ? (resolved.port === undefined && resolved.preset ? "worker" : "app") : preset?.kind === "proxy" ? "proxy" : preset?.kind === "tool" ? "tool" : "addon";
    const where = resolved ? `service ${svcName} (stack.yaml)` : `service ${svcName} (preset ${preset?.name ?? "?"})`;

    if (def.network_mode === "host") problems.push(unfaithful(`${where} uses network_mode: host, which neither Swarm services nor Pods on a shared cluster can have`, "give it a port and reach it by service name instead"));
    if (def.privileged === true) problems.push(unfaithful(`${where} runs privileged, which Swarm services cannot and a cluster should not`, "drop privileged from its preset, or deploy that service by hand"));

    const volumes: { name: string; target: string }[] = [];
    const configMounts: { folder: string; target: string }[] = [];
    const hostMounts: string[] = [];
    for (const v of (def.volumes as unknown[] | undefined) ?? []) {
      const [source, target] = typeof v === "string" ? v.split(":") : [(v as Def).source as string, (v as Def).target as string];
      // The dev certificate stays on the developer's machine: Swarm and Kubernetes get TLS elsewhere.
      if (target === PROXY_TLS_DIR) continue;
      if (source && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) volumes.push({ name: source, target: target! });
      else if (source === ENGINE_SOCKET) hostMounts.push(typeof v === "string" ? v : `${source}:${target}:ro`);
      else if (source && isGeneratedFolder(source.replace(/^\.\//, ""), generated)) configMounts.push({ folder: source.replace(/^\.\//, ""), target: target! });
      else {
        problems.push(unfaithful(`${where} mounts the host path ${source} at ${target}: data on one machine's disk does not follow the service to another node`, "use a named volume (a volume name instead of a path) in its preset, or bake the files into its image"));
      }
    }

    let image = typeof def.image === "string" ? def.image : "";
    let build: ExportService["build"];
    const b = def.build as { context?: string; dockerfile?: string; args?: Record<string, string> } | undefined;
    if (b?.context) {
      const context = b.context.replace(/^\.\//, "");
      build = { context, dockerfile: b.dockerfile ?? "Dockerfile", args: b.args ?? {} };
      if (!input.registry) {
        problems.push(unfaithful(`${where} is built from ${context}, so it has no image another machine can pull`, "pass --registry REGISTRY (e.g. --registry registry.example.com/team): images are named REGISTRY/PROJECT-SERVICE:TAG"));
      }
      image = `${input.registry ?? "local"}/${name}-${svcName}:${input.tags?.[svcName] ?? input.tag}`;
    }
    if (!image) problems.push(unfaithful(`${where} has neither an image nor a build folder`, "give it image: or a template in stack.yaml"));

    const ports = new Set<number>();
    if (resolved?.port !== undefined) ports.add(resolved.port);
    let publish: ExportService["publish"];
    const devPorts = (layers.get("dev")?.services[svcName]?.ports as string[] | undefined) ?? [];
    for (const p of [...devPorts, ...((def.ports as string[] | undefined) ?? [])]) {
      const parsed = parsePort(p, input.env);
      if (!parsed) continue;
      if (role === "proxy") publish ??= parsed;
      else ports.add(parsed.target);
    }
    if (role === "proxy" && publish) {
      ports.add(publish.target);
      if (input.publishPort !== undefined) publish.published = input.publishPort;
    }

    out.push({
      name: svcName,
      role,
      preset,
      def,
      image,
      build,
      ports: [...ports],
      volumes,
      configMounts,
      hostMounts,
      publish,
      resolved,
      // A preset's image: the start command its preset states (no Dockerfile of ours to read).
      startCommand: input.startCommands?.[svcName] ?? (resolved ? undefined : preset?.image_command),
    });
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new StackError({ code: "E_EXPORT_UNFAITHFUL", message: `${problems.length} things cannot be exported faithfully:`, details: problems.map((p) => `${p.message}: ${p.hint}`), hint: "fix them, then export again" });

  const routes = services
    .filter((s) => s.route && s.port !== undefined)
    .map((s) => ({ route: s.route!, service: s.name, port: s.port!, strip: s.strip && s.route !== "/" }));
  const proxy = stack.presets.find((p) => presets.get(p)?.kind === "proxy");
  return { name, project: stack.name, services: out, secretKeys, configKeys, values, routes, proxy };
}

/** The one host path every node of a cluster has: the engine's socket (a proxy reading the engine). */
const ENGINE_SOCKET = "/var/run/docker.sock";

/** A project folder that holds only files the plan generates (a proxy's configuration). */
function isGeneratedFolder(folder: string, generated: readonly string[]): boolean {
  return generated.some((f) => f.startsWith(`${folder}/`));
}

/** `127.0.0.1:${PROXY_PORT:-8080}:80` -> published from .env, target. */
function parsePort(spec: string, env: Record<string, string>): { target: number; published: number } | undefined {
  const m = /^(?:[\d.]+:)?(?:\$\{([A-Z0-9_]+)(?::-(\d+))?\}|(\d+)):(\d+)(?:\/tcp)?$/.exec(spec);
  if (!m) return undefined;
  const published = Number(m[3] ?? env[m[1]!] ?? m[2]);
  return { target: Number(m[4]), published };
}

function unfaithful(message: string, hint: string): StackError {
  return new StackError({ code: "E_EXPORT_UNFAITHFUL", message, hint });
}

/**
 * The model once the tags and start commands of the built images are known (they come from git
 * and the Dockerfiles, after the model said which services are built).
 */
export function withBuiltImages(model: ExportModel, tags: Record<string, string>, startCommands: Record<string, string[] | undefined>): ExportModel {
  return {
    ...model,
    services: model.services.map((s) =>
      s.build ? { ...s, image: s.image.replace(/:[^:/]+$/, `:${tags[s.name] ?? "latest"}`), startCommand: startCommands[s.name] ?? s.startCommand } : s,
    ),
  };
}

/** `30s`, `1m30s`, `500ms` -> seconds (rounded up). */
export function durationSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    total += m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
  }
  return Math.max(1, Math.ceil(total));
}
