import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sh } from "./support.js";

/**
 * A Docker daemon of the test's own, next to the machine's engine (Docker documents running
 * several daemons on one host): its own socket, data root, exec root, pid file and address pool,
 * a default bridge of its own, and no iptables rules of its own. A test may stop and start it (what a
 * daemon restart does to a watching `dev up`) without touching anyone else's containers.
 *
 * Point a client at it with DOCKER_HOST (`host`): the docker CLI, docker-compose and dockerode
 * all honour it.
 */
export interface OwnEngine {
  /** unix:///.../docker.sock */
  readonly host: string;
  /** The address pool its networks come from (never overlapping the host's routes). */
  readonly pool: string;
  /** SIGTERM, as an init system stops dockerd (it stops its containers first); resolves once the process is gone. */
  stop(): Promise<void>;
  /** Starts it again with the same command line; resolves once it answers. */
  start(): Promise<void>;
  /** Copies images from the machine's engine (docker save | docker load): no registry involved. */
  load(images: string[]): Promise<void>;
  /** Removes everything it made: containers, networks (and their bridges), the firewall rule, the daemon, its folder. */
  remove(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 90_000;

/** The machine's engine, whatever DOCKER_HOST a test sets meanwhile. */
const MAIN_DOCKER_HOST = process.env.DOCKER_HOST;

function mainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (MAIN_DOCKER_HOST === undefined) delete env.DOCKER_HOST;
  else env.DOCKER_HOST = MAIN_DOCKER_HOST;
  return env;
}

export async function startOwnEngine(): Promise<OwnEngine> {
  if ((await sh("sh", ["-c", "command -v dockerd"])).code !== 0) throw new Error("dockerd is not installed: the test starts a daemon of its own (bash test/images/ensure-engine.sh installs it)");
  // Short: unix socket paths (containerd's under the exec root) are limited to 107 bytes.
  const dir = await mkdtemp(join(tmpdir(), "cs-engine-"));
  const pool = await freePool();
  const host = `unix://${join(dir, "docker.sock")}`;
  // A default bridge of its own: with --bridge=none, dockerd deletes the host's docker0 as it
  // starts, which breaks every build and default-network container of the machine's engine.
  const bridge = await addBridge(pool);
  const args = [
    "-H", host,
    "--data-root", join(dir, "data"),
    "--exec-root", join(dir, "exec"),
    "--pidfile", join(dir, "docker.pid"),
    `--bridge=${bridge.name}`,
    // Its bridge driver would remove and rewrite the DOCKER chains the machine's engine keeps its
    // published ports in; ports are published by docker-proxy instead.
    "--iptables=false",
    "--ip-masq=false",
  ];
  const rule = await allowBridgedTraffic(pool, `create-stack-e2e-${process.pid}`).catch(async (err: unknown) => {
    await bridge.remove();
    throw err;
  });
  const docker = (argv: string[], opts: { timeoutMs?: number } = {}) => sh("docker", ["-H", host, ...argv], opts);
  let child: ChildProcess | undefined;
  let running = false;
  let ranOnce = false;
  let exited: Promise<void> = Promise.resolve();
  /** Network ids it made, collected while it runs: their bridges outlive a daemon that is stopped. */
  const networks = new Set<string>();

  const answers = async () => (await docker(["version", "--format", "{{.Server.APIVersion}}"], { timeoutMs: 10_000 })).code === 0;
  const rememberNetworks = async () => {
    const listed = await docker(["network", "ls", "--no-trunc", "-q", "--filter", "type=custom"]);
    for (const id of listed.stdout.split(/\s+/).filter(Boolean)) networks.add(id);
  };

  const engine: OwnEngine = {
    host,
    pool,
    async start() {
      const log = await open(join(dir, "dockerd.log"), "a");
      // Compose's project networks come from the lower half of the /16 (the bridge sits in the
      // upper half). Only on the first start: a dockerd that starts with address pools and finds
      // its default network from a previous run deletes the interface named docker0, the
      // machine's engine's; the networks made on the first start keep their subnets.
      const pool = ranOnce ? [] : ["--default-address-pool", `base=${engine.pool.replace("/16", "/17")},size=24`];
      const proc = spawn("dockerd", [...args, ...pool], { stdio: ["ignore", log.fd, log.fd] });
      child = proc;
      running = true;
      let gone = false;
      exited = new Promise<void>((resolve) =>
        proc.on("exit", () => {
          gone = true;
          running = false;
          void log.close();
          resolve();
        }),
      );
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await answers())) {
        if (gone || Date.now() > deadline) {
          const tail = (await readFile(join(dir, "dockerd.log"), "utf8").catch(() => "")).split("\n").slice(-15).join("\n");
          throw new Error(`the test's own dockerd did not ${gone ? "stay up" : `answer within ${START_TIMEOUT_MS / 1000} s`}; its log ends:\n${tail}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      ranOnce = true;
    },
    async stop() {
      if (!child || !running) return;
      await rememberNetworks().catch(() => undefined);
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    async load(images) {
      const save = spawn("docker", ["save", ...images], { env: mainEnv(), stdio: ["ignore", "pipe", "pipe"] });
      const load = spawn("docker", ["-H", host, "load", "-q"], { stdio: ["pipe", "ignore", "pipe"] });
      save.stdout.pipe(load.stdin);
      let errors = "";
      save.stderr.on("data", (d) => (errors += d));
      load.stderr.on("data", (d) => (errors += d));
      const codes = await Promise.all([save, load].map((p) => new Promise<number>((resolve) => p.on("close", (code) => resolve(code ?? -1)))));
      if (codes.some((c) => c !== 0)) throw new Error(`copying ${images.join(", ")} into the test's own engine failed: ${errors.trim()}`);
    },
    async remove() {
      try {
        // Stopped by the test (or never up): started again only to remove what it made.
        if (running || (ranOnce && (await engine.start().then(() => true, () => false)))) {
          const ids = (await docker(["ps", "-aq"])).stdout.split(/\s+/).filter(Boolean);
          if (ids.length) await docker(["rm", "-f", "-v", ...ids]);
          await rememberNetworks();
          if (networks.size) await docker(["network", "rm", ...networks]);
          await engine.stop();
        }
      } finally {
        // A network's bridge stays when its daemon stops before removing it.
        if ((await sh("sh", ["-c", "command -v ip"])).code === 0) for (const id of networks) await sh("ip", ["link", "delete", `br-${id.slice(0, 12)}`]);
        await rule?.remove();
        await bridge.remove();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await engine.start();
  } catch (err) {
    await engine.stop().catch(() => undefined);
    await engine.remove().catch(() => undefined);
    throw err;
  }
  return engine;
}

/**
 * A /16 under 10.0.0.0/8 that no route of the host (the machine's engine's networks, the LAN,
 * a VPN) overlaps.
 */
async function freePool(): Promise<string> {
  // Without iproute2 there is nothing to read: the pool is checked against no route.
  const hasIp = (await sh("sh", ["-c", "command -v ip"])).code === 0;
  const routes = hasIp ? (await sh("ip", ["-4", "route", "show", "table", "all"])).stdout : "";
  const taken = [...routes.matchAll(/^(?:\S+\s+)?(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/gm)].map((m) => [toNumber(m[1]!), Number(m[2] ?? 32)] as const);
  for (let second = 200; second < 256; second++) {
    const base = toNumber(`10.${second}.0.0`);
    const clash = taken.some(([net, bits]) => {
      const bitsCommon = Math.min(bits, 16);
      const mask = bitsCommon === 0 ? 0 : (~0 << (32 - bitsCommon)) >>> 0;
      return ((net & mask) >>> 0) === ((base & mask) >>> 0) && bits > 0;
    });
    if (!clash) return `10.${second}.0.0/16`;
  }
  throw new Error("no free /16 from 10.200.0.0 to 10.255.0.0 for the test's own engine: every one is routed on this host");
}

/**
 * The own engine's default bridge, made before it starts (dockerd takes an existing bridge's
 * address as its network): 10.N.255.1/24 of the pool's /16, outside the half networks come from.
 */
async function addBridge(pool: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const second = pool.split(".")[1]!;
  const name = `cse${second}-${process.pid % 100_000}`;
  const steps = [
    ["link", "add", "name", name, "type", "bridge"],
    ["addr", "add", `10.${second}.255.1/24`, "dev", name],
    ["link", "set", name, "up"],
  ];
  const remove = async () => void (await sh("ip", ["link", "delete", name]));
  for (const step of steps) {
    const done = await sh("ip", step);
    if (done.code !== 0) {
      await remove();
      throw new Error(`the test's own engine needs a bridge of its own (ip ${step.join(" ")}): ${done.stderr.trim() || "iproute2 missing?"}`);
    }
  }
  return { name, remove };
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/**
 * Bridged packets go through the host's FORWARD chain when br_netfilter is loaded, and the
 * machine's engine sets its policy to DROP: containers of the own engine's networks could not
 * reach each other (the proxy its upstream). One ACCEPT for the pool, in DOCKER-USER (the chain
 * Docker leaves to the user) when there is one; removed afterwards.
 */
async function allowBridgedTraffic(pool: string, comment: string): Promise<{ remove: () => Promise<void> } | undefined> {
  if ((await sh("sh", ["-c", "command -v iptables"])).code !== 0) return undefined;
  const chain = (await sh("iptables", ["-S", "DOCKER-USER"])).code === 0 ? "DOCKER-USER" : "FORWARD";
  const rule = ["-s", pool, "-d", pool, "-m", "comment", "--comment", comment, "-j", "ACCEPT"];
  const added = await sh("iptables", ["-I", chain, ...rule]);
  if (added.code !== 0) throw new Error(`the test's own engine needs one iptables rule (iptables -I ${chain} ${rule.join(" ")}): ${added.stderr.trim()}`);
  return { remove: async () => void (await sh("iptables", ["-D", chain, ...rule])) };
}
