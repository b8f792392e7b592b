import { createHash } from "node:crypto";
import { StackError } from "../errors/stack-error.js";
import { proxyRenderer } from "../render/proxy-renderers.js";
import { proxyServiceOf } from "../presets/stack-proxy.js";
import { hasSecret, literalOf, resolvePieces, type Piece } from "./compose-values.js";
import { stringifyPlain } from "./plain-yaml.js";
import type { ExportModel, ExportService } from "./export-model.js";
import { secretFile, secretPreamble, shellWord } from "./secret-shell.js";

type Def = Record<string, unknown>;

export type EndpointMode = "vip" | "dnsrr";

export interface SwarmOptions {
  endpointMode: EndpointMode;
  /**
   * Generated configuration files the services bind-mount (a proxy's config), shipped as Swarm
   * configs: project-relative path -> text (for the name's hash) and path relative to the stack file.
   */
  configFiles?: Record<string, { content: string; file: string }>;
}

/**
 * Official images that read a secret from a file named by `<VAR>_FILE` (their documented
 * convention), so the secret needs no start-up script there.
 */
const FILE_CONVENTIONS: Record<string, string[]> = {
  postgres: ["POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB"],
};

export interface SwarmStack {
  doc: Def;
  /** Swarm secrets the stack expects (external): name -> the .env key whose value it holds. */
  secrets: { name: string; key: string }[];
}

/** Resource hints by role: a starting point for a small staging node, meant to be tuned. */
const RESOURCES: Record<ExportService["role"], { limit: string; reserve: string }> = {
  app: { limit: "512M", reserve: "64M" },
  worker: { limit: "512M", reserve: "64M" },
  addon: { limit: "1G", reserve: "128M" },
  proxy: { limit: "256M", reserve: "32M" },
  tool: { limit: "256M", reserve: "16M" },
};

export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 10);
}

/** The `docker stack deploy` file for the model, as data. */
export function buildSwarmStack(model: ExportModel, opts: SwarmOptions): SwarmStack {
  const problems: string[] = [];
  const usedSecrets = new Set<string>();
  const volumes = new Set<string>();
  const services: Record<string, Def> = {};
  const configs: Record<string, Def> = {};
  const network = `${model.name}_default`;

  const proxyPreset = model.services.find((s) => s.role === "proxy" && s.preset?.proxy)?.preset;
  const swarmProxy = proxyPreset ? proxyRenderer(proxyPreset).swarm : undefined;
  const proxyService = proxyPreset ? proxyServiceOf(proxyPreset) : undefined;
  for (const svc of model.services) {
    if (swarmProxy?.devOnly.includes(svc.name) && svc.preset === proxyPreset) continue;
    const def = svc.def;
    const out: Def = { image: svc.image };
    const fileVars = FILE_CONVENTIONS[svc.preset?.name ?? ""] ?? [];
    const environment: Record<string, string> = {};
    const shimEnv: [string, Piece[]][] = [];
    const mySecrets = new Set<string>();
    for (const [k, v] of Object.entries((def.environment as Record<string, unknown>) ?? {})) {
      const pieces = resolvePieces(String(v), model.values);
      if (!hasSecret(pieces)) environment[k] = literalOf(pieces);
      else if (fileVars.includes(k) && pieces.length === 1) {
        const key = (pieces[0] as { secret: string }).secret;
        environment[`${k}_FILE`] = `/run/secrets/${secretFile(key)}`;
        mySecrets.add(key);
      } else {
        shimEnv.push([k, pieces]);
        for (const p of pieces) if ("secret" in p) mySecrets.add(p.secret);
      }
    }
    const command = (def.command as string[] | undefined)?.map((a) => resolvePieces(String(a), model.values));
    const shimmed = shimEnv.length > 0 || (command?.some(hasSecret) ?? false);
    const shimSecrets = new Set([...shimEnv.flatMap(([, p]) => p), ...(command ?? []).flat()].flatMap((p) => ("secret" in p ? [p.secret] : [])));
    const preamble = secretPreamble([...shimSecrets], shimEnv);
    if (shimmed) {
      const entry = (def.entrypoint as string[] | undefined)?.map((a) => [{ text: a }] as Piece[]) ?? [];
      const start = command ? [...entry, ...command] : svc.startCommand?.map((a) => [{ text: a }] as Piece[]);
      if (!start?.length) {
        problems.push(
          `service ${svc.name} needs ${shimEnv.map(([k]) => k).join(", ")} built from secrets, but its image's start command is unknown: ` +
            "give its Dockerfile a CMD (or ENTRYPOINT) in exec form, or build it from a folder with one",
        );
      } else {
        out.entrypoint = ["/bin/sh", "-c", ["set -e", ...preamble, `exec ${start.map(shellWord).join(" ")}`].join("\n")];
      }
    } else {
      if (def.entrypoint) out.entrypoint = def.entrypoint;
      if (command) out.command = command.map(literalOf);
    }
    const isProxy = svc.name === proxyService && svc.preset === proxyPreset;
    if (isProxy && swarmProxy) out.command = swarmProxy.command(model.name, network);
    if (Object.keys(environment).length) out.environment = environment;
    if (def.init === true) out.init = true;
    if (def.stop_grace_period) out.stop_grace_period = def.stop_grace_period;
    // A fixed hostname is how RabbitMQ (rabbit@HOSTNAME) finds its data again in a new task.
    if (typeof def.hostname === "string") out.hostname = literalOf(resolvePieces(def.hostname, model.values));

    const hc = def.healthcheck as Def | undefined;
    if (hc) out.healthcheck = { ...hc, test: healthTest(hc.test as string[], model, shimEnv.length ? preamble : []) };

    for (const k of mySecrets) {
      usedSecrets.add(k);
      if (model.values.env[k] === undefined) problems.push(`${k} is missing from .env: run \`dev sync\` to fill it`);
    }
    if (mySecrets.size) out.secrets = [...mySecrets].map((k) => ({ source: secretFile(k), target: secretFile(k) }));

    const mounts: unknown[] = [...svc.volumes.map((v) => `${v.name}:${v.target}`), ...svc.hostMounts];
    if (isProxy && swarmProxy?.readsEngine && !svc.hostMounts.length) mounts.push("/var/run/docker.sock:/var/run/docker.sock:ro");
    for (const v of svc.volumes) volumes.add(v.name);
    if (mounts.length) out.volumes = mounts;

    const svcConfigs: Def[] = [];
    for (const mount of svc.configMounts) {
      const files = Object.entries(opts.configFiles ?? {}).filter(([path]) => path.startsWith(`${mount.folder}/`));
      if (files.length === 0) problems.push(`${mount.folder}/ is missing: run \`dev sync\` to write it, then export again`);
      for (const [path, f] of files) {
        const key = path.replace(/[^A-Za-z0-9]+/g, "_");
        configs[key] = { name: `${model.name}_${key}_${shortHash(f.content)}`.slice(0, 64), file: f.file };
        svcConfigs.push({ source: key, target: `${mount.target}/${path.slice(mount.folder.length + 1)}` });
      }
    }
    if (svcConfigs.length) out.configs = svcConfigs;
    // Host-mode ports (needed with dnsrr) can be bound by one task per node: the old one must go first.
    const hostPort = svc.publish !== undefined && opts.endpointMode === "dnsrr";
    if (svc.publish) out.ports = [{ target: svc.publish.target, published: svc.publish.published, protocol: "tcp", mode: hostPort ? "host" : "ingress" }];

    const stateful = svc.volumes.length > 0;
    const order = stateful || hostPort ? "stop-first" : "start-first";
    const res = RESOURCES[svc.role];
    const deploy: Def = {
      mode: "replicated",
      replicas: svc.role === "tool" ? 0 : 1,
      endpoint_mode: opts.endpointMode,
      restart_policy: { condition: "any", delay: "5s" },
      update_config: { parallelism: 1, order, failure_action: "rollback", monitor: "30s" },
      rollback_config: { parallelism: 1, order },
      resources: { limits: { memory: res.limit }, reservations: { memory: res.reserve } },
    };
    if (swarmProxy?.labels && svc.resolved) {
      const labels = swarmProxy.labels(model.project, network, svc.resolved);
      if (Object.keys(labels).length) deploy.labels = labels;
    }
    if (isProxy && swarmProxy?.readsEngine) deploy.placement = { constraints: ["node.role == manager"] };
    out.deploy = deploy;
    services[svc.name] = out;
  }
  if (problems.length) {
    throw new StackError({ code: "E_EXPORT_UNFAITHFUL", message: problems[0]!, details: problems.slice(1), hint: "fix it, then export again" });
  }

  const secrets = [...usedSecrets].sort().map((key) => ({ key, name: `${model.name}_${secretFile(key)}_${shortHash(model.values.env[key] ?? "")}` }));
  const doc: Def = {
    version: "3.9",
    services,
    networks: { default: { driver: "overlay" } },
  };
  if (volumes.size) doc.volumes = Object.fromEntries([...volumes].map((v) => [v, {}]));
  if (secrets.length) doc.secrets = Object.fromEntries(secrets.map((s) => [secretFile(s.key), { external: true, name: s.name }]));
  if (Object.keys(configs).length) doc.configs = configs;
  return { doc: escapeDollars(doc) as Def, secrets };
}

export function renderSwarmStack(stack: SwarmStack, header: string[]): string {
  return header.map((l) => `# ${l}\n`).join("") + stringifyPlain(stack.doc);
}

/** A healthcheck as compose's test, with literal values resolved; secret-derived variables are set up first. */
function healthTest(test: string[], model: ExportModel, preamble: string[]): string[] {
  const [kind, ...args] = test;
  const pieces = args.map((a) => resolvePieces(a, model.values));
  if (!preamble.length) return [kind!, ...pieces.map(literalOf)];
  const cmd = kind === "CMD-SHELL" ? pieces.map(literalOf).join(" ") : `exec ${pieces.map(shellWord).join(" ")}`;
  return ["CMD-SHELL", [...preamble, cmd].join("\n")];
}

/** Traefik's Swarm provider: labels under deploy.labels, only this stack's services, on its overlay network. */
/** `docker stack deploy` interpolates `${VAR}` from the deploying shell: every literal `$` is doubled. */
function escapeDollars(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$/g, "$$$$");
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}
