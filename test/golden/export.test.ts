import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { isStackError } from "../../src/errors/stack-error.js";
import { dockerfileStartCommand } from "../../src/export/dockerfile-command.js";
import { buildExportModel } from "../../src/export/export-model.js";
import { buildKubernetes, OVERLAYS } from "../../src/export/kubernetes-manifests.js";
import { buildSwarmStack, renderSwarmStack } from "../../src/export/swarm-stack.js";
import type { Preset } from "../../src/presets/preset.js";
import { resolveServices } from "../../src/stack/resolve-services.js";
import { exportFixture, REGISTRY } from "./export-fixture.js";
import { FIXTURES, fixtureCases } from "./plan-fixture.js";

const update = process.env.UPDATE_GOLDEN === "1";
const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validateCompose = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const require = createRequire(import.meta.url);

/** The kubernetes-models class for an object (validated against the Kubernetes OpenAPI schema). */
function kubeModel(obj: any): { validate(): void } {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  const mod = require(`kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`);
  return new mod[obj.kind](obj);
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listFiles(join(dir, n), base) : [relative(base, join(dir, n))]));
}

function golden(path: string, content: string): void {
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  expect(content, path).toBe(readFileSync(path, "utf8"));
}

const cases = fixtureCases().filter((c) => ["default", "nginx", "nested-traefik", "nested-nginx"].includes(c));

describe("dev export: golden files, schemas, kustomize", () => {
  for (const name of cases) {
    it(`${name}: the Swarm stack file matches its golden file and the Compose Specification schema`, async () => {
      const fx = await exportFixture(name);
      const stack = buildSwarmStack(fx.model, { endpointMode: "dnsrr", configFiles: fx.configFiles });
      const text = renderSwarmStack(stack, []);
      golden(join(FIXTURES, name, "export", "swarm.yaml"), text);
      const doc = parse(text);
      expect(validateCompose(doc), JSON.stringify(validateCompose.errors)).toBe(true);
      for (const [svc, def] of Object.entries<any>(doc.services)) {
        expect(def.build, svc).toBeUndefined();
        expect(def.depends_on, svc).toBeUndefined();
        for (const v of def.volumes ?? []) expect(v.startsWith(".") || (v.startsWith("/") && !v.startsWith("/var/run/docker.sock")), `${svc}: ${v}`).toBe(false);
        if (def.ports) expect(fx.model.services.find((s) => s.name === svc)?.role).toBe("proxy");
      }
      // No secret value anywhere in the file.
      for (const key of fx.model.secretKeys) expect(text).not.toContain(fx.model.values.env[key]!);
    });

    it(`${name}: the kustomize layout matches its golden files and every object the Kubernetes schema`, async () => {
      const fx = await exportFixture(name);
      const k8s = buildKubernetes(fx.model, { namespace: "shop", managed: [], ingressClass: "nginx" });
      const dir = join(FIXTURES, name, "export", "kubernetes");
      if (update) rmSync(dir, { recursive: true, force: true });
      for (const [path, content] of k8s.files) golden(join(dir, path), content);
      expect([...k8s.files.keys()].sort()).toEqual(listFiles(dir).sort());
      for (const obj of k8s.objects) expect(() => kubeModel(obj).validate(), `${(obj as any).kind} ${(obj as any).metadata?.name}`).not.toThrow();
      for (const content of k8s.files.values()) for (const key of fx.model.secretKeys) expect(content).not.toContain(fx.model.values.env[key]!);
    });
  }

  it("the schema checks reject what the APIs would reject (control)", () => {
    expect(() => kubeModel({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { selector: {}, template: { spec: { containers: [{ name: 1 }] } } } }).validate()).toThrow();
    expect(validateCompose({ services: { api: { image: "x", deploy: { bogus: 1 } } } })).toBe(false);
  });

  it("default: workers get their stop grace period, add-ons StatefulSets with claims, the jumpbox 0 replicas, the Ingress strips prefixes", async () => {
    const fx = await exportFixture("default");
    const k8s = buildKubernetes(fx.model, { namespace: "shop", managed: [], ingressClass: "nginx" });
    const byName = (kind: string, name: string) => k8s.objects.find((o: any) => o.kind === kind && o.metadata.name === name) as any;
    expect(byName("Deployment", "worker").spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    const pg = byName("StatefulSet", "postgres");
    expect(pg.spec.volumeClaimTemplates[0].metadata.name).toBe("postgres-data");
    expect(byName("Deployment", "jumpbox").spec.replicas).toBe(0);
    const api = byName("Deployment", "api").spec.template.spec.containers[0];
    expect(api.readinessProbe.exec.command[0]).toBe("python");
    expect(api.env.find((e: any) => e.name === "DATABASE_URL").value).toBe("postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/$(POSTGRES_DB)");
    expect(api.env.find((e: any) => e.name === "POSTGRES_PASSWORD").valueFrom.secretKeyRef.key).toBe("POSTGRES_PASSWORD");
    const ingress = byName("Ingress", "shop");
    expect(ingress.metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"]).toBe("/$2");
    expect(ingress.spec.rules[0].http.paths[0].path).toBe("/api(/|$)(.*)");
    expect(k8s.secretKeys).toEqual(["POSTGRES_PASSWORD", "REDIS_PASSWORD"]);
  });

  it("--managed postgres: no StatefulSet, DATABASE_URL straight from the secret", async () => {
    const fx = await exportFixture("default");
    const k8s = buildKubernetes(fx.model, { namespace: "shop", managed: ["postgres"], ingressClass: "nginx" });
    expect(k8s.objects.some((o: any) => o.metadata.name === "postgres")).toBe(false);
    const api = (k8s.objects.find((o: any) => o.kind === "Deployment" && o.metadata.name === "api") as any).spec.template.spec.containers[0];
    expect(api.env.find((e: any) => e.name === "DATABASE_URL").valueFrom.secretKeyRef.key).toBe("DATABASE_URL");
    expect(k8s.secretKeys).toEqual(["DATABASE_URL", "REDIS_PASSWORD"]);
  });

  const kubectl = spawnSync("kubectl", ["version", "--client"]).status === 0;
  it("kubectl kustomize renders both overlays, each in its own namespace, with generated secret names wired in", async () => {
    if (!kubectl) throw new Error("kubectl is missing: apt-get install kubernetes-client (npm run test:all installs it)");
    expect(kubectl, "kubectl is missing: run `bash test/deploy-tools.sh`").toBe(true);
    const fx = await exportFixture("nginx");
    const k8s = buildKubernetes(fx.model, { namespace: "shop", managed: [], ingressClass: "nginx" });
    const dir = mkdtempSync(join(tmpdir(), "create-stack-kustomize-"));
    try {
      for (const [path, content] of k8s.files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      for (const overlay of OVERLAYS) writeFileSync(join(dir, "overlays", overlay, "secrets.env"), k8s.secretKeys.map((k) => `${k}=s3cret-${overlay}`).join("\n") + "\n");
      for (const overlay of OVERLAYS) {
        const res = spawnSync("kubectl", ["kustomize", join(dir, "overlays", overlay)], { encoding: "utf8" });
        expect(res.status, res.stderr).toBe(0);
        const docs = parseAllDocuments(res.stdout).map((d) => d.toJS());
        const secret = docs.find((d) => d.kind === "Secret");
        expect(secret.metadata.name).toMatch(/^shop-secrets-[a-z0-9]+$/);
        for (const d of docs) {
          if (d.kind !== "Namespace") expect(d.metadata.namespace, `${d.kind} ${d.metadata.name}`).toBe(`shop-${overlay}`);
          expect(() => kubeModel(d).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
        }
        const refs = JSON.stringify(docs.filter((d) => d.kind === "Deployment" || d.kind === "StatefulSet")).match(/"secretKeyRef":\{"name":"([^"]+)"/g) ?? [];
        for (const r of refs) expect(r).toContain(secret.metadata.name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dev export: what cannot be carried over is refused with what to do", () => {
  const fake = (layers: Preset["layers"]): Preset => ({ name: "odd", kind: "addon", description: "", requires: [], conflicts: [], env: {}, connection: {}, layers, files: [], dir: "", rebuild_on: [], reload: "restart" });

  async function modelWith(preset: Preset, registry: string | null = REGISTRY) {
    const fx = await exportFixture("nginx");
    const presets = { get: (n: string) => (n === "odd" ? preset : fx.presets.get(n)), names: fx.presets.names };
    const stack = { ...fx.stack, presets: [...fx.stack.presets, "odd"] };
    return () => buildExportModel({ stack, presets, services: resolveServices(stack, presets), env: fx.model.values.env as Record<string, string>, registry: registry ?? undefined, tag: "t" });
  }

  for (const [what, def, pattern] of [
    ["host bind mount of data", { image: "x:1", volumes: ["./data:/var/lib/x"] }, /mounts the host path \.\/data/],
    ["network_mode host", { image: "x:1", network_mode: "host" }, /network_mode: host/],
    ["privileged", { image: "x:1", privileged: true }, /runs privileged/],
  ] as const) {
    it(what, async () => {
      const build = await modelWith(fake({ base: { services: { odd: def as Record<string, unknown> } } }));
      let err: unknown;
      try {
        build();
      } catch (e) {
        err = e;
      }
      expect(isStackError(err)).toBe(true);
      expect((err as Error).message).toMatch(pattern);
      expect((err as any).exitCode).toBe(2);
      expect((err as any).hint).toBeTruthy();
    });
  }

  it("a built service and no registry", async () => {
    const build = await modelWith(fake({}), null);
    let err: any;
    try {
      build();
    } catch (e) {
      err = e;
    }
    expect(err?.exitCode).toBe(2);
    expect([err?.message, ...(err?.details ?? [])].join("\n")).toMatch(/service api \(stack.yaml\) is built from services\/api, so it has no image another machine can pull: pass --registry/);
  });

  it("Dockerfile start commands: exec and shell forms, ENTRYPOINT + CMD, last stage wins", () => {
    expect(dockerfileStartCommand('FROM x\nCMD ["python", "app.py"]\n')).toEqual(["python", "app.py"]);
    expect(dockerfileStartCommand("FROM x\nCMD python app.py\n")).toEqual(["/bin/sh", "-c", "python app.py"]);
    expect(dockerfileStartCommand('FROM x\nENTRYPOINT ["tini", "--"]\nCMD ["run"]\n')).toEqual(["tini", "--", "run"]);
    expect(dockerfileStartCommand('FROM a\nCMD ["old"]\nFROM b\nRUN true\n')).toBeUndefined();
  });
});

describe("dev export: 50 services", () => {
  // How long it takes is measured as a user runs it, by `npm run bench -- export` (the 500 ms target), not here.
  it("builds and renders both targets, every service in each", async () => {
    const fx = await exportFixture("nginx");
    const stack = { ...fx.stack, services: { ...fx.stack.services } };
    for (let i = 1; i < 50; i++) stack.services[`svc-${i}`] = { template: "python-http", path: `services/svc-${i}`, port: 8000, route: `/svc-${i}`, depends_on: ["postgres"] };
    const exportAll = () => {
      const services = resolveServices(stack, fx.presets);
      const startCommands = Object.fromEntries(services.map((s) => [s.name, ["python", "app.py"]]));
      const model = buildExportModel({ stack, presets: fx.presets, services, env: fx.model.values.env as Record<string, string>, registry: REGISTRY, tag: "t", startCommands });
      renderSwarmStack(buildSwarmStack(model, { endpointMode: "vip", configFiles: fx.configFiles }), []);
      return { model, k8s: buildKubernetes(model, { namespace: "shop", managed: [], ingressClass: "nginx" }) };
    };
    const { model, k8s } = exportAll();
    expect(model.services.length).toBeGreaterThanOrEqual(50);
    expect(k8s.files.size).toBeGreaterThan(50);
    const all = [...k8s.files.values()].join("\n");
    for (let i = 1; i < 50; i++) expect(all, `svc-${i}`).toContain(`name: svc-${i}\n`);
  });
});
