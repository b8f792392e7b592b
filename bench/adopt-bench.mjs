// `dev adopt --dry-run` of a generated 100-service project in 4 compose files (base, override,
// a Traefik file with labels and an extends file), as a whole CLI process, against bare
// `node -e 0` and `dev --version` in the same run, and beside `docker compose config` (or
// docker-compose v1's) of the same files where one is installed. Target: under 400 ms.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV, percentile } from "./stack-fixture.mjs";

const CPU_TIME = fileURLToPath(new URL("cpu-time.cjs", import.meta.url));

const SERVICES = 100;
const RUNS = Number(process.env.BENCH_ADOPT_RUNS ?? 9);

export function generate(root) {
  const base = ["services:"];
  const override = ["services:"];
  const traefik = ["services:", "  proxy:", "    image: traefik:3.0", "    command: [--providers.docker]", "    ports: ['127.0.0.1:8080:80']"];
  const common = ["services:", "  app-base:", "    build: ./app", "    environment:", "      LOG_LEVEL: info"];
  mkdirSync(join(root, "app"), { recursive: true });
  writeFileSync(join(root, "app", "Dockerfile"), "FROM scratch\n");
  writeFileSync(join(root, "app", "package.json"), "{}\n");
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc-${i}`;
    mkdirSync(join(root, "src", name), { recursive: true });
    if (i % 4 === 0) base.push(`  ${name}:`, "    extends:", "      file: docker-compose.common.yml", "      service: app-base");
    else base.push(`  ${name}:`, `    image: example/${name}:1.\${TAG:-0}`);
    if (i > 0) base.push("    depends_on:", `      - svc-${i - 1}`);
    override.push(`  ${name}:`, "    volumes:", `      - ./src/${name}:/app/src`, "    ports:", `      - "127.0.0.1:${20000 + i}:8000"`);
    traefik.push(`  ${name}:`, "    labels:", `      - traefik.http.routers.${name}.rule=PathPrefix(\`/${name}\`)`, `      - traefik.http.routers.${name}.middlewares=strip-${name}`, `      - traefik.http.middlewares.strip-${name}.stripprefix.prefixes=/${name}`, `      - traefik.http.services.${name}.loadbalancer.server.port=8000`);
  }
  writeFileSync(join(root, "docker-compose.yml"), base.join("\n") + "\n");
  writeFileSync(join(root, "docker-compose.override.yml"), override.join("\n") + "\n");
  writeFileSync(join(root, "docker-compose.traefik.yml"), traefik.join("\n") + "\n");
  writeFileSync(join(root, "docker-compose.common.yml"), common.join("\n") + "\n");
  writeFileSync(join(root, ".env"), "COMPOSE_FILE=docker-compose.yml:docker-compose.override.yml:docker-compose.traefik.yml\nTAG=2\n");
}

/** CPU time of a node command (user + system), which other work on the machine does not inflate. */
function cpu(args, cwd) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const res = spawnSync("node", ["--require", CPU_TIME, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (res.status !== 0) throw new Error(`node ${args.join(" ")} exited ${res.status}: ${res.stderr}`);
    times.push(Number(/cpu-ms (\d+)/.exec(res.stderr)[1]));
  }
  return percentile(times, 50);
}

function time(cmd, args, cwd) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}: ${res.stderr}`);
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

function composePeer(root) {
  for (const [cmd, args, label] of [["docker", ["compose", "config", "-q"], "docker compose config"], ["docker-compose", ["config", "-q"], "docker-compose (v1) config"]]) {
    const probe = spawnSync(cmd, [...args.slice(0, -2), "version"], { stdio: "ignore" });
    if (probe.status !== 0 || probe.error) continue;
    try {
      return { label, value: time(cmd, args, root) };
    } catch {
      // v1 refuses some of what v2 reads (extends across files with a build context): no peer then.
    }
  }
  return undefined;
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), "cs-bench-adopt-"));
  try {
    generate(root);
    const bare = time("node", ["-e", "0"]);
    const version = time("node", [DEV, "--version"]);
    const adopt = time("node", [DEV, "adopt", "--dry-run"], root);
    const adoptCpu = cpu([DEV, "adopt", "--dry-run"], root);
    const versionCpu = cpu([DEV, "--version"]);
    const rows = [
      { name: "dev --version, CPU time", value: versionCpu, unit: "ms" },
      { name: "dev adopt --dry-run, CPU time", value: adoptCpu, unit: "ms", target: 400 },
      { name: "bare node -e 0 (baseline)", value: bare, unit: "ms" },
      { name: "dev --version", value: version, unit: "ms" },
      { name: `dev adopt --dry-run, ${SERVICES} services in 4 files`, value: adopt, unit: "ms", target: 400 },
      { name: "dev adopt --dry-run / dev --version", value: adopt / version, unit: "x" },
    ];
    const peer = composePeer(root);
    if (peer) rows.push({ name: `${peer.label}, same files`, value: peer.value, unit: "ms" }, { name: `dev adopt --dry-run / ${peer.label}`, value: adopt / peer.value, unit: "x" });
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
