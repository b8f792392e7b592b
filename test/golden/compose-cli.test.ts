import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planFixture } from "./plan-fixture.js";

// The compose CLI's own check of the generated layers. Slow (it starts compose twice per case), so
// mutation testing leaves it out (vitest.stryker.config.ts); the schema checks in
// compose-valid.test.ts run there.
// The watch layer's `volumes: !override []`: read as the list it holds (compose's own tag).
const OVERRIDE = { tag: "!override", collection: "seq" as const, resolve: (seq: unknown) => seq };
const composeFiles = (paths: string[]) => paths.filter((p) => /^compose(\.[a-z]+)?\.yaml$/.test(p));

function composeCli(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return undefined;
}

describe("generated compose files, checked by the compose CLI", { timeout: 120_000 }, () => {
  // No compose CLI is a failure that says what to install, never a silent skip.
  const cli = composeCli();
  for (const name of ["default", "nginx", "nested-traefik", "any-service-nginx", "any-service-traefik", "django-nginx", "search", "node-traefik"]) {
    it(`${name}: the compose CLI's own config check accepts the whole layer set`, async () => {
      if (!cli) throw new Error("no compose CLI: install docker compose (v2) or docker-compose (v1); this test runs the one users have");
      const plan = await planFixture(name);
      const dir = mkdtempSync(join(tmpdir(), "create-stack-config-"));
      try {
        for (const f of plan.files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.content);
        }
        // Own-Dockerfile services: their folders are the user's, so the plan has none of their files.
        for (const def of Object.values<any>(parse(plan.files.find((f) => f.path === "compose.yaml")!.content).services)) {
          if (def.build?.context) mkdirSync(join(dir, def.build.context), { recursive: true });
        }
        const res = spawnSync(cli![0]!, [...cli!.slice(1), "config", "-q"], { cwd: dir, encoding: "utf8" });
        expect(res.status, res.stderr).toBe(0);
        const services = spawnSync(cli![0]!, [...cli!.slice(1), "--profile", "tools", "config", "--services"], { cwd: dir, encoding: "utf8" });
        expect(services.stdout.split("\n").filter(Boolean).sort()).toEqual(
          [...new Set(composeFiles(plan.files.map((f) => f.path)).flatMap((p) => Object.keys(parse(plan.files.find((f) => f.path === p)!.content, { customTags: [OVERRIDE] }).services)))].sort(),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
