import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const dev = (cwd: string, args: string[]) => spawnSync("node", [DEV, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

function scaffold(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "create-stack-export-")), "shop");
  const res = spawnSync("node", [CREATE, dir, "--yes", "--proxy", "nginx"], { encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
  return dir;
}

describe("dev export, the built CLI", () => {
  it("refuses bad input with exit 2 and writes nothing", () => {
    const dir = scaffold();
    for (const args of [
      ["export", "swarm"],
      ["export", "swarm", "--registry", "Not A Registry"],
      ["export", "swarm", "--registry", "r.example.com", "--endpoint-mode", "ipvs"],
      ["export", "swarm", "--registry", "r.example.com", "--name", "Bad_Name"],
      ["export", "kubernetes"],
      ["export", "kubernetes", "--registry", "r.example.com", "--managed", "mongo"],
      ["export", "kubernetes", "--registry", "r.example.com", "--namespace", "UPPER"],
    ]) {
      const res = dev(dir, args);
      expect(res.status, `${args.join(" ")}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(/^error: /);
      expect(res.stderr).toMatch(/hint: /);
    }
    expect(existsSync(join(dir, "deploy"))).toBe(false);
  }, 120_000);

  it("writes the Swarm file and the kustomize layout; fresh secrets per overlay, never the dev ones; a hand-edited file is kept", () => {
    const dir = scaffold();
    const swarm = dev(dir, ["export", "swarm", "--registry", "r.example.com/team", "--endpoint-mode", "dnsrr"]);
    expect(swarm.status, swarm.stderr).toBe(0);
    const stack = parse(readFileSync(join(dir, "deploy/swarm/stack.yaml"), "utf8"));
    expect(stack.services.api.image).toMatch(/^r\.example\.com\/team\/shop-api:nogit-[0-9a-f]{12}$/);
    expect(stack.configs.nginx_conf.file).toBe("../../proxy/nginx/default.conf");

    const kube = dev(dir, ["export", "kubernetes", "--registry", "r.example.com/team"]);
    expect(kube.status, kube.stderr).toBe(0);
    const env = readFileSync(join(dir, ".env"), "utf8");
    const devPassword = /^POSTGRES_PASSWORD=(.*)$/m.exec(env)![1]!;
    const staging = readFileSync(join(dir, "deploy/kubernetes/overlays/staging/secrets.env"), "utf8");
    const demo = readFileSync(join(dir, "deploy/kubernetes/overlays/demo/secrets.env"), "utf8");
    expect(staging).toMatch(/^POSTGRES_PASSWORD=[A-Za-z0-9_-]{40,}$/m);
    expect(staging).not.toContain(devPassword);
    expect(staging).not.toBe(demo);
    expect(statSync(join(dir, "deploy/kubernetes/overlays/staging/secrets.env")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "deploy/kubernetes/.gitignore"), "utf8")).toMatch(/^overlays\/\*\/secrets\.env$/m);

    // Exporting again keeps the secrets; a hand edit stops the export before anything is written.
    expect(dev(dir, ["export", "kubernetes", "--registry", "r.example.com/team"]).status).toBe(0);
    expect(readFileSync(join(dir, "deploy/kubernetes/overlays/staging/secrets.env"), "utf8")).toBe(staging);
    const api = join(dir, "deploy/kubernetes/base/api.yaml");
    writeFileSync(api, readFileSync(api, "utf8").replace("replicas: 1", "replicas: 3"));
    const before = readdirSync(join(dir, "deploy/kubernetes/base")).map((f) => readFileSync(join(dir, "deploy/kubernetes/base", f), "utf8"));
    const again = dev(dir, ["export", "kubernetes", "--registry", "r2.example.com"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/api\.yaml was changed by hand/);
    expect(readdirSync(join(dir, "deploy/kubernetes/base")).map((f) => readFileSync(join(dir, "deploy/kubernetes/base", f), "utf8"))).toEqual(before);

    const withDev = dev(dir, ["export", "kubernetes", "--registry", "r.example.com/team", "--out", "k8s-dev", "--with-dev-secrets"]);
    expect(withDev.status, withDev.stderr).toBe(0);
    expect(readFileSync(join(dir, "k8s-dev/overlays/demo/secrets.env"), "utf8")).toContain(`POSTGRES_PASSWORD=${devPassword}`);
  }, 120_000);

  it("secrets.env keeps its values and gains the keys a later export needs", () => {
    const dir = scaffold();
    const managed = dev(dir, ["export", "kubernetes", "--registry", "r.example.com", "--managed", "postgres"]);
    expect(managed.status, managed.stderr).toBe(0);
    expect(managed.stdout).toMatch(/fill in before deploying: staging: DATABASE_URL, demo: DATABASE_URL/);
    const file = join(dir, "deploy/kubernetes/overlays/staging/secrets.env");
    const first = readFileSync(file, "utf8");
    expect(first).toMatch(/^DATABASE_URL=$/m);
    const redis = /^REDIS_PASSWORD=(.+)$/m.exec(first)![1]!;
    expect(dev(dir, ["export", "kubernetes", "--registry", "r.example.com"]).status).toBe(0);
    const second = readFileSync(file, "utf8");
    expect(second.startsWith(first)).toBe(true);
    expect(second).toContain(`REDIS_PASSWORD=${redis}`);
    expect(second).toMatch(/^POSTGRES_PASSWORD=[A-Za-z0-9_-]{40,}$/m);
  }, 120_000);
});
