import { stringify } from "yaml";
import { resolvePieces, type Piece, type ValueContext } from "./compose-values.js";
import { durationSeconds, type ExportModel, type ExportService } from "./export-model.js";
import { stringifyPlain } from "./plain-yaml.js";

type Obj = Record<string, unknown>;

export const OVERLAYS = ["staging", "demo"] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface KubernetesOptions {
  /** Namespace prefix: overlays deploy to PREFIX-staging and PREFIX-demo. */
  namespace: string;
  /** Add-on presets (postgres, redis, rabbitmq) run elsewhere: no StatefulSet; their connection URLs come from the secret. */
  managed: string[];
  ingressClass: string;
}

export interface KubernetesExport {
  /** Project-relative to the export folder -> content. */
  files: Map<string, string>;
  /** Keys each overlay's secrets.env must hold (written from fresh or dev values, or left to fill). */
  secretKeys: string[];
  /** The kinds per file, for schema validation in tests. */
  objects: Obj[];
}

const PART_OF = "app.kubernetes.io/part-of";
const NAME = "app.kubernetes.io/name";
const INGRESS_NGINX = "nginx.ingress.kubernetes.io";

const RESOURCES: Record<ExportService["role"], { limit: string; request: string }> = {
  app: { limit: "512Mi", request: "64Mi" },
  worker: { limit: "512Mi", request: "64Mi" },
  addon: { limit: "1Gi", request: "128Mi" },
  proxy: { limit: "256Mi", request: "32Mi" },
  tool: { limit: "256Mi", request: "16Mi" },
};

/**
 * A kustomize layout for the model: `base/` (workloads, Services, the Ingress, a ConfigMap) and
 * one overlay per environment, each with its own namespace and its own secrets.env.
 */
export function buildKubernetes(model: ExportModel, opts: KubernetesOptions): KubernetesExport {
  const secretName = `${model.name}-secrets`;
  const configName = `${model.name}-config`;
  const managedConnections = new Map<string, string>();
  for (const svc of model.services) {
    if (svc.role === "addon" && svc.preset && opts.managed.includes(svc.preset.name)) {
      for (const key of Object.keys(svc.preset.connection)) managedConnections.set(key, svc.preset.name);
    }
  }
  const refs: ValueContext = { env: model.values.env, secrets: new Set([...model.secretKeys, ...model.configKeys]) };
  const isSecret = (k: string) => model.secretKeys.includes(k) || managedConnections.has(k);
  const usedSecrets = new Set<string>();
  const usedConfig = new Set<string>();
  const valueFrom = (key: string): Obj => {
    if (isSecret(key)) {
      usedSecrets.add(key);
      return { secretKeyRef: { name: secretName, key } };
    }
    usedConfig.add(key);
    return { configMapKeyRef: { name: configName, key } };
  };

  const files = new Map<string, string>();
  const objects: Obj[] = [];
  const baseResources: string[] = [];
  const add = (file: string, docs: Obj[]) => {
    objects.push(...docs);
    files.set(`base/${file}`, docs.map(stringifyPlain).join("---\n"));
    baseResources.push(file);
  };

  for (const svc of model.services) {
    if (svc.role === "proxy") continue;
    if (svc.role === "addon" && svc.preset && opts.managed.includes(svc.preset.name)) continue;
    const labels = { [NAME]: svc.name, [PART_OF]: model.project };

    // Environment: referenced .env keys first (from the Secret or the ConfigMap), so values built
    // from them ($(VAR), expanded by the kubelet) can follow.
    const env: Obj[] = [];
    const defined = new Set<string>();
    const need = (key: string) => {
      if (defined.has(key)) return;
      defined.add(key);
      env.push({ name: key, valueFrom: valueFrom(key) });
    };
    const rest: Obj[] = [];
    for (const [k, v] of Object.entries((svc.def.environment as Record<string, unknown>) ?? {})) {
      if (managedConnections.has(k)) {
        need(k);
        continue;
      }
      const pieces = resolvePieces(String(v), refs);
      if (pieces.length === 1 && "secret" in pieces[0]! && pieces[0].secret === k) need(k);
      else if (pieces.length === 1 && "secret" in pieces[0]!) rest.push({ name: k, valueFrom: valueFrom(pieces[0].secret) });
      else {
        for (const p of pieces) if ("secret" in p) need(p.secret);
        rest.push({ name: k, value: kubeValue(pieces) });
      }
    }
    const args = (svc.def.command as string[] | undefined)?.map((a) => {
      const pieces = resolvePieces(String(a), refs);
      for (const p of pieces) if ("secret" in p) need(p.secret);
      return kubeValue(pieces);
    });
    env.push(...rest.filter((e) => !defined.has(e.name as string)));

    const container: Obj = { name: svc.name, image: svc.image };
    if (svc.def.entrypoint) container.command = svc.def.entrypoint;
    if (args) container.args = args;
    if (env.length) container.env = env;
    if (svc.ports.length) container.ports = svc.ports.map((p, i) => ({ name: i === 0 ? "main" : `port-${i}`, containerPort: p }));
    Object.assign(container, probes(svc, model));
    const res = RESOURCES[svc.role];
    container.resources = { requests: { memory: res.request }, limits: { memory: res.limit } };
    // subPath: a fresh volume's root may hold lost+found, which postgres' initdb refuses.
    if (svc.volumes.length) container.volumeMounts = svc.volumes.map((v) => ({ name: v.name, mountPath: v.target, subPath: "data" }));

    const pod: Obj = { containers: [container] };
    // compose's `init: true`: the pod's pause process becomes PID 1 and reaps, so the app is not
    // PID 1 (which ignores SIGTERM without a handler) and stops on time.
    if (svc.def.init === true) pod.shareProcessNamespace = true;
    const grace = durationSeconds(svc.def.stop_grace_period as string | undefined);
    if (grace !== undefined) pod.terminationGracePeriodSeconds = grace;
    const template = { metadata: { labels }, spec: pod };
    const docs: Obj[] = [];
    if (svc.volumes.length) {
      docs.push({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: svc.name, labels },
        spec: {
          serviceName: svc.name,
          replicas: 1,
          selector: { matchLabels: { [NAME]: svc.name } },
          template,
          volumeClaimTemplates: svc.volumes.map((v) => ({
            metadata: { name: v.name, labels },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          })),
        },
      });
    } else {
      const spec: Obj = { replicas: svc.role === "tool" ? 0 : 1, selector: { matchLabels: { [NAME]: svc.name } }, template };
      if (svc.role !== "tool") spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
      docs.push({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: svc.name, labels }, spec });
    }
    if (svc.ports.length && svc.role !== "tool") {
      docs.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: svc.name, labels },
        spec: { selector: { [NAME]: svc.name }, ports: svc.ports.map((p, i) => ({ name: i === 0 ? "main" : `port-${i}`, port: p, targetPort: p })) },
      });
    }
    add(`${svc.name}.yaml`, docs);
  }

  const ingresses = buildIngresses(model, opts.ingressClass);
  if (ingresses.length) add("ingress.yaml", ingresses);

  const base: Obj = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: baseResources };
  if (usedConfig.size) {
    base.configMapGenerator = [{ name: configName, literals: [...usedConfig].sort().map((k) => `${k}=${model.values.env[k] ?? ""}`) }];
  }
  files.set("base/kustomization.yaml", header("the base: workloads, Services, Ingress, ConfigMap. Overlays add a namespace and secrets.") + stringify(base));

  const secretKeys = [...usedSecrets].sort();
  for (const overlay of OVERLAYS) {
    const ns = `${opts.namespace}-${overlay}`;
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { [PART_OF]: model.project } } };
    objects.push(namespace);
    files.set(`overlays/${overlay}/namespace.yaml`, stringify(namespace, { aliasDuplicateObjects: false }));
    const k: Obj = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: ns,
      // `bases` for the base folder: kubectl before 1.21 (kustomize 2.0) takes only files in `resources`.
      bases: ["../../base"],
      resources: ["namespace.yaml"],
    };
    if (secretKeys.length) k.secretGenerator = [{ name: secretName, env: "secrets.env", type: "Opaque" }];
    files.set(`overlays/${overlay}/kustomization.yaml`, header(`${overlay}: namespace ${ns}; secrets from secrets.env beside this file (git-ignored).`) + stringify(k));
    files.set(
      `overlays/${overlay}/secrets.env.example`,
      `# Copy to secrets.env (git-ignored) and fill in; \`kubectl apply -k overlays/${overlay}\` reads it.\n` + secretKeys.map((s) => `${s}=\n`).join(""),
    );
  }
  files.set(".gitignore", "# Secrets for each environment: never committed.\noverlays/*/secrets.env\n");
  return { files, secretKeys, objects };
}

function header(text: string): string {
  return `# Generated by create-stack (dev export kubernetes): ${text}\n`;
}

/** Literal text with `$(` escaped for the kubelet, references as $(VAR). */
function kubeValue(pieces: Piece[]): string {
  return pieces.map((p) => ("secret" in p ? `$(${p.secret})` : p.text.replace(/\$\(/g, "$$$$("))).join("");
}

/** The compose healthcheck as exec probes: startup (its start period), readiness, liveness. */
function probes(svc: ExportService, model: ExportModel): Obj {
  const hc = svc.def.healthcheck as { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string } | undefined;
  if (!hc?.test || hc.test[0] === "NONE") return {};
  const [kind, ...rest] = hc.test;
  const words = rest.map((a) => resolvePieces(a, model.values).map((p) => ("text" in p ? p.text : `\${${p.secret}}`)).join(""));
  const command = kind === "CMD-SHELL" ? ["sh", "-c", words.join(" ")] : words;
  const period = durationSeconds(hc.interval) ?? 10;
  const timeoutSeconds = durationSeconds(hc.timeout) ?? 1;
  const retries = hc.retries ?? 3;
  const start = durationSeconds(hc.start_period) ?? 0;
  const exec = { command };
  return {
    startupProbe: { exec, periodSeconds: period, timeoutSeconds, failureThreshold: Math.ceil(start / period) + retries },
    readinessProbe: { exec, periodSeconds: period, timeoutSeconds, failureThreshold: 3 },
    livenessProbe: { exec, periodSeconds: Math.max(period, 10), timeoutSeconds, failureThreshold: retries },
  };
}

/**
 * The route table as ingress-nginx Ingresses. Prefix stripping uses ingress-nginx's documented
 * regex capture with rewrite-target; it applies to a whole Ingress, so routes that keep their
 * prefix get a second Ingress of plain Prefix paths.
 */
function buildIngresses(model: ExportModel, ingressClass: string): Obj[] {
  const depth = (r: string) => (r === "/" ? 0 : r.split("/").length);
  const routes = [...model.routes].sort((a, b) => depth(b.route) - depth(a.route) || a.route.localeCompare(b.route));
  const backend = (r: (typeof routes)[number]) => ({ service: { name: r.service, port: { number: r.port } } });
  const labels = { [PART_OF]: model.project };
  const out: Obj[] = [];
  const strip = routes.filter((r) => r.strip);
  const keep = routes.filter((r) => !r.strip);
  if (strip.length) {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: model.name, labels, annotations: { [`${INGRESS_NGINX}/use-regex`]: "true", [`${INGRESS_NGINX}/rewrite-target`]: "/$2" } },
      spec: {
        ingressClassName: ingressClass,
        rules: [{ http: { paths: strip.map((r) => ({ path: `${r.route}(/|$)(.*)`, pathType: "ImplementationSpecific", backend: backend(r) })) } }],
      },
    });
  }
  if (keep.length) {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: `${model.name}-prefixed`, labels },
      spec: { ingressClassName: ingressClass, rules: [{ http: { paths: keep.map((r) => ({ path: r.route, pathType: "Prefix", backend: backend(r) })) } }] },
    });
  }
  return out;
}
