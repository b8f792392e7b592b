// dev lint of a generated 100-service project in 4 files, as a whole CLI process, beside bare
// node and `docker compose config` of the same files (when compose v2 is installed; the v1
// docker-compose is reported too where present). Target: under 400 ms.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV, percentile } from "./stack-fixture.mjs";

const FILES = ["compose.base.yml", "compose.apps.yml", "compose.override.yml", "compose.dev.yml"];

/** 100 services: 40 in the base, 60 apps extending a template, overridden and published in two more files. */
export function writeLintProject(dir) {
  const base = ["name: bench", "x-env: &env", "  LOG_LEVEL: info", "  REGION: eu", "services:", "  proxy:", "    image: traefik:v3.1", "    command: [--providers.docker]", "    ports: ['127.0.0.1:80:80']", "    networks: [front]"];
  for (let i = 0; i < 39; i++) {
    const kind = ["postgres:16", "redis:7", "rabbitmq:3", "nginx:1.27"][i % 4];
    base.push(`  infra-${i}:`, `    image: ${kind}`, "    environment:", "      <<: *env", `      NAME: infra-${i}`, "    healthcheck:", "      test: [CMD, 'true']", "    networks: [back]");
  }
  base.push("  app-template:", "    image: app:1.0", "    environment: [A=1, B=2]", "    networks: [front, back]", "    labels: [traefik.docker.network=bench_front]", "networks:", "  front: {}", "  back: {}", "");
  const apps = ["services:"];
  for (let i = 0; i < 60; i++) {
    apps.push(
      `  app-${i}:`,
      `    extends: {file: compose.base.yml, service: app-template}`,
      "    labels:",
      `      - traefik.http.routers.app-${i}.rule=PathPrefix(\`/app-${i}\`)`,
      `      - traefik.http.routers.app-${i}.middlewares=strip-${i}`,
      `      - traefik.http.middlewares.strip-${i}.stripprefix.prefixes=/app-${i}`,
      `      - traefik.http.services.app-${i}.loadbalancer.server.port=8000`,
      `    depends_on: {infra-${i % 39}: {condition: service_healthy}}`,
    );
  }
  const override = ["services:"];
  for (let i = 0; i < 60; i += 2) override.push(`  app-${i}:`, "    environment:", `      INDEX: "${i}"`, "      DEBUG: ${DEBUG:-0}");
  const dev = ["services:"];
  for (let i = 0; i < 60; i += 3) dev.push(`  app-${i}:`, `    ports: ['127.0.0.1:${9000 + i}:8000']`);
  const texts = [base, apps, override, dev].map((l) => l.join("\n") + "\n");
  FILES.forEach((f, i) => writeFileSync(join(dir, f), texts[i]));
}

const CPU_TIME = fileURLToPath(new URL("cpu-time.cjs", import.meta.url));

/** Median CPU time (user + system, all threads) of a node command: other work on the machine inflates it less than wall time. */
function cpu(args, cwd, runs = 9) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const res = spawnSync("node", ["--require", CPU_TIME, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: { ...process.env, COMPOSE_FILE: "" } });
    const m = /cpu-ms (\d+)/.exec(res.stderr ?? "");
    if (!m) return undefined;
    times.push(Number(m[1]));
  }
  return percentile(times, 50);
}

function time(cmd, args, cwd, runs = 11) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { cwd, stdio: "ignore", env: { ...process.env, COMPOSE_FILE: "" } });
    if (res.error || (res.status !== 0 && res.status !== 1)) return undefined;
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), "lint-bench-"));
  try {
    writeLintProject(dir);
    const bare = time("node", ["-e", "0"], dir);
    const lint = time("node", [DEV, "lint", ...FILES], dir);
    if (lint === undefined) throw new Error("dev lint failed on the bench project");
    const bareCpu = cpu(["-e", "0"], dir);
    const lintCpu = cpu([DEV, "lint", ...FILES], dir);
    const rows = [
      { name: "bare node -e 0, CPU time", value: bareCpu, unit: "ms" },
      { name: "dev lint, CPU time", value: lintCpu, unit: "ms", target: 400 },
      { name: "bare node -e 0 (baseline)", value: bare, unit: "ms" },
      { name: "dev lint, 100 services in 4 files", value: lint, unit: "ms", target: 400 },
      { name: "dev lint / baseline", value: lint / bare, unit: "x" },
    ];
    const v2 = spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0 ? time("docker", ["compose", ...FILES.flatMap((f) => ["-f", f]), "config", "-q"], dir, 5) : undefined;
    if (v2 !== undefined) rows.push({ name: "docker compose config (v2), same files", value: v2, unit: "ms" }, { name: "dev lint / docker compose config", value: lint / v2, unit: "x" });
    else process.stderr.write("lint bench: docker compose v2 is not installed here; no compose config figure\n");
    const v1 = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0 ? time("docker-compose", [...FILES.flatMap((f) => ["-f", f]), "config", "-q"], dir, 3) : undefined;
    if (v1 !== undefined) rows.push({ name: "docker-compose config (v1), same files", value: v1, unit: "ms" }, { name: "dev lint / docker-compose v1 config", value: lint / v1, unit: "x" });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
