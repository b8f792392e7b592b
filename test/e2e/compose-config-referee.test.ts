import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dependencies, get, keyValues, loadComposeProject, parsePort, textOf } from "../../src/compose/index.js";
import { LINT_CORPUS } from "../golden/lint-corpus-fixture.js";

const CORPUS = fileURLToPath(new URL("../corpus", import.meta.url));

// docker compose v2 is the referee of the loader. An end-to-end file, so that it runs where v2 is:
// the current lane (the unit run has the machine's v1 only); the v1 docker-compose reads files differently
// (no include, no !reset, other defaults) and is no referee.
const v2 = spawnSync("docker", ["compose", "version", "--short"], { encoding: "utf8" });
const hasV2 = v2.status === 0 && /^v?2\./.test(v2.stdout.trim());

describe.skipIf(!hasV2)("the compose loader against docker compose config (v2)", () => {
  for (const { name, setup } of LINT_CORPUS) {
    it(`${name}: the same services, images, published ports, environment keys and dependencies`, { timeout: 120_000 }, () => {
      const dir = join(realpathSync(mkdtempSync(join(tmpdir(), "referee-"))), name);
      cpSync(join(CORPUS, name), dir, { recursive: true });
      setup?.(dir);
      // Only what finds the CLI and its plugin: no variable of this shell may reach interpolation.
      const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
      const cli = { ...env, ...(process.env.DOCKER_CONFIG ? { DOCKER_CONFIG: process.env.DOCKER_CONFIG } : {}), ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) };
      const res = spawnSync("docker", ["compose", "config", "--format", "json"], { cwd: dir, encoding: "utf8", env: cli });
      expect(res.status, res.stderr).toBe(0);
      const theirs = JSON.parse(res.stdout) as { services: Record<string, { image?: string; ports?: { published?: string; target: number; protocol?: string }[]; environment?: Record<string, string | null>; depends_on?: Record<string, unknown> }> };
      const ours = loadComposeProject({ cwd: dir, env });
      expect([...ours.services.keys()].sort()).toEqual(Object.keys(theirs.services).sort());
      for (const [svcName, svc] of ours.services) {
        const t = theirs.services[svcName]!;
        if (t.image) expect(textOf(get(svc, "image")), `${svcName} image`).toBe(t.image);
        const ports = get(svc, "ports");
        const published = ports?.kind === "seq" ? ports.items.map((p) => parsePort(p)).map((p) => `${p.published?.start ?? ""}:${p.target.start}/${p.protocol}`) : [];
        expect(published.sort(), `${svcName} ports`).toEqual((t.ports ?? []).map((p) => `${p.published ?? ""}:${p.target}/${p.protocol ?? "tcp"}`).sort());
        expect(keyValues(get(svc, "environment")).map((kv) => kv.key).sort(), `${svcName} environment`).toEqual(Object.keys(t.environment ?? {}).sort());
        expect(dependencies(get(svc, "depends_on")).map((d) => d.service).sort(), `${svcName} depends_on`).toEqual(Object.keys(t.depends_on ?? {}).sort());
      }
    });
  }
});

describe.skipIf(hasV2)("the compose loader against docker compose config (v2)", () => {
  it.skip("skipped: docker compose v2 is not installed here (only the v1 docker-compose, which is no referee for include, !reset or profiles from .env)", () => {});
});
