import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnEngine, type OwnEngine } from "./own-engine.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, envValue, getUntilOk, sh, tempDir, testImage, uniqueName } from "./support.js";

// A real single-node swarm and a real registry (Debian's docker-registry on 127.0.0.1, which the
// engine allows without TLS). This kernel has no IPVS, so services use DNS round robin.
// On the current lane the swarm is a daemon of the test's own (own-engine.ts, the lane's dockerd):
// `swarm init` turns a whole engine into a manager, and that lane's engine is shared by every
// test run at the same time; the test images are copied in, nothing is built from a Debian root.
const OWN_ENGINE = process.env.E2E_LANE === "current";
let engine: OwnEngine | undefined;
const mainHost = process.env.DOCKER_HOST;
const project = uniqueName("cs-swarm");
// A second stack deploys every other preset whose image runs here (see "every preset" below).
const presetsProject = uniqueName("cs-swarm-all");
let root = "";
let presetsRoot = "";
let registryDir = "";
let registry: ChildProcess | undefined;
let registryAddr = "";
let joinedSwarm = false;
// Host-mode publishing binds every interface: a port free on 127.0.0.1 alone is not enough.
let port = 0;
const PREFIX = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";
const postgresImage = `${PREFIX}/postgres:${project}`;

const dev = (args: string[], cwd = root) => sh("node", [DEV, ...args], { cwd, timeoutMs: 900_000 });
const git = (args: string[], cwd = root) => sh("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd });

/** Running tasks of a stack: service -> task id. */
async function tasks(stack = project): Promise<Record<string, string>> {
  const ids = (await sh("docker", ["stack", "ps", stack, "-q", "--filter", "desired-state=running"])).stdout.split(/\s+/).filter(Boolean);
  if (!ids.length) return {};
  const list = JSON.parse((await sh("docker", ["inspect", ...ids])).stdout) as any[];
  const services = JSON.parse((await sh("docker", ["service", "inspect", ...new Set(list.map((t) => t.ServiceID))])).stdout) as any[];
  const nameOf = new Map(services.map((s) => [s.ID, s.Spec.Name.slice(stack.length + 1)]));
  return Object.fromEntries(list.filter((t) => t.Status.State === "running").map((t) => [nameOf.get(t.ServiceID), t.ID]));
}

/** A UDP port nothing holds, in the range swarm takes for its data path (1024 to 49151). */
async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const socket = createSocket("udp4");
    const free = await new Promise<boolean>((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(port, "0.0.0.0", () => resolve(true));
    });
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
    if (free) return port;
  }
}

async function containerOf(service: string, stack = project): Promise<string> {
  return (await sh("docker", ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${stack}_${service}`])).stdout.trim().split("\n")[0]!;
}

/** The value of NAME in the environment of a process of the container (the start script exports it). */
/**
 * A variable of the container's processes. `docker exec` has no CAP_SYS_PTRACE: another user's
 * /proc/PID/environ reads as nothing, so a service that drops to its own user is read as that user.
 */
async function processEnv(container: string, name: string, user = "root"): Promise<string> {
  const found = await sh("docker", ["exec", "-u", user, container, "sh", "-c", `for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null | grep '^${name}='; done | head -1 | cut -d= -f2-`]);
  return found.stdout.trim();
}

beforeAll(async () => {
  const which = await sh("sh", ["-c", "command -v docker-registry"]);
  if (which.code !== 0) throw new Error("docker-registry is missing: run `bash test/deploy-tools.sh`");
  registryDir = await mkdtemp(join(tmpdir(), "create-stack-registry-"));
  registryAddr = `127.0.0.1:${await getPort({ host: "127.0.0.1" })}`;
  const config = join(registryDir, "config.yml");
  await writeFile(config, `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(registryDir, "data")}\nhttp:\n  addr: ${registryAddr}\n`);
  registry = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
  expect((await getUntilOk(`http://${registryAddr}/v2/`, 20_000)).status).toBe(200);

  if (OWN_ENGINE) {
    engine = await startOwnEngine();
    // Both Debian roots the test images are built on (save | load, several minutes on a busy machine).
    await engine.load(["postgres", "nginx", "caddy", "python", "redis", "node", "python-extras", "rabbitmq"].map(testImage));
    process.env.DOCKER_HOST = engine.host;
    // Everything a swarm makes on the host is its own: the gateway bridge's interface under a name
    // of its own (the machine's engine may have a docker_gwbridge), its networks from its own /16
    // (overlays in the upper half, its bridge networks use the lower), its own management and
    // VXLAN ports.
    const second = engine.pool.split(".")[1]!;
    const gateway = await sh("docker", ["network", "create", "--subnet", `10.${second}.192.0/24`, "--opt", `com.docker.network.bridge.name=csgw${second}-${process.pid % 100_000}`, "--opt", "com.docker.network.bridge.enable_icc=false", "docker_gwbridge"]);
    expect(gateway.code, gateway.stderr).toBe(0);
    const init = await sh("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", `127.0.0.1:${await getPort({ host: "127.0.0.1" })}`, "--data-path-port", String(await freeUdpPort()), "--default-addr-pool", `10.${second}.128.0/18`]);
    expect(init.code, init.stderr).toBe(0);
    joinedSwarm = true;
    // A copy of this run's image: nothing else can change it on this engine.
    expect((await sh("docker", ["tag", testImage("postgres"), postgresImage])).code).toBe(0);
  } else {
    const state = (await sh("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"])).stdout.trim();
    if (state !== "active") {
      const init = await sh("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377"]);
      // Someone else sharing the engine may have initialised it meanwhile: then it is theirs to leave.
      if (init.code === 0) joinedSwarm = true;
      else expect(init.stderr).toMatch(/already part of a swarm/);
    }
    // This checkout's postgres test image (it honours POSTGRES_PASSWORD_FILE, as the official one
    // does), under a tag of its own: the shared :latest may be rebuilt from another checkout meanwhile.
    const built = await sh("docker", ["build", "-q", "--build-arg", `BASE=${PREFIX}/base:bookworm`, "-t", postgresImage, fileURLToPath(new URL("../images/postgres", import.meta.url))]);
    expect(built.code, built.stderr).toBe(0);
  }

  port = await getPort({ host: "0.0.0.0" });
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http,postgres", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS, "--image", `postgres:16=${postgresImage}`]);
  expect(made.code, made.stderr).toBe(0);
  expect((await git(["init", "-q"])).code).toBe(0);
  expect((await git(["add", "-A"])).code).toBe(0);
  expect((await git(["commit", "-qm", "first"])).code).toBe(0);
}, 600_000);

afterAll(async () => {
  for (const stack of [project, presetsProject]) await removeStack(stack);
  await sh("docker", ["image", "rm", postgresImage]);
  registry?.kill();
  if (registryDir) await rm(registryDir, { recursive: true, force: true });
  if (joinedSwarm) await sh("docker", ["swarm", "leave", "--force"]);
  if (engine) {
    if (mainHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = mainHost;
    await engine.remove();
  }
  if (root) await cleanupDir(join(root, ".."));
  if (presetsRoot) await cleanupDir(join(presetsRoot, ".."));
}, 240_000);

/** docker stack rm, then what it leaves: the stack's volumes (a database's data) and the images we pushed. */
async function removeStack(stack: string): Promise<void> {
  await sh("docker", ["stack", "rm", stack]);
  // Secrets and the network go once the tasks are gone; wait for that (bounded), then check.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const nets = (await sh("docker", ["network", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`])).stdout.trim();
    const secrets = (await sh("docker", ["secret", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`])).stdout.trim();
    const left = (await sh("docker", ["ps", "-aq", "--filter", `label=com.docker.stack.namespace=${stack}`])).stdout.trim();
    if (!nets && !secrets && !left) break;
    await sh("docker", ["stack", "rm", stack]);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const volumes = (await sh("docker", ["volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`])).stdout.split(/\s+/).filter(Boolean);
  if (volumes.length) await sh("docker", ["volume", "rm", "-f", ...volumes]);
  const images = (await sh("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", `${registryAddr}/${stack}-*`])).stdout.split(/\s+/).filter(Boolean);
  if (images.length) await sh("docker", ["image", "rm", ...new Set(images)]);
}

describe("dev deploy swarm on a single-node swarm with a local registry", () => {
  it("deploys, answers through the proxy, rolls one service on a code change, keeps secrets out of the file", async () => {
    const first = await dev(["deploy", "swarm", "--registry", registryAddr, "--endpoint-mode", "dnsrr", "--port", String(port), "--timeout", "600"]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/converged in [\d.]+ s/);
    expect(first.stdout).toContain(`url: http://127.0.0.1:${port}/`);

    const res = await fetch(`http://127.0.0.1:${port}/api/hello`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-stack-service")).toBe("api");
    expect(await res.json()).toMatchObject({ service: "api", path: "/hello" });

    // The secret reached the app as DATABASE_URL and opens the database over the overlay network.
    const api = await containerOf("api");
    const url = await processEnv(api, "DATABASE_URL");
    expect(url).toMatch(/^postgresql:\/\/app:.+@postgres:5432\/app/);
    // Bounded retry: on a loaded machine a database may briefly be in recovery after a backend crash.
    let psql = await sh("docker", ["exec", api, "psql", url, "-tAc", "select 40 + 2"]);
    for (const deadline = Date.now() + 60_000; psql.stdout.trim() !== "42" && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 1000));
      psql = await sh("docker", ["exec", api, "psql", url, "-tAc", "select 40 + 2"]);
    }
    expect(psql.stdout.trim(), psql.stderr).toBe("42");
    const password = envValue(await readFile(join(root, ".env"), "utf8"), "POSTGRES_PASSWORD");
    expect(await readFile(join(root, "deploy/swarm/stack.yaml"), "utf8")).not.toContain(password);

    const before = await tasks();
    expect(Object.keys(before).sort()).toEqual(["api", "nginx", "postgres"]);
    const app = join(root, "services/api/app.py");
    await writeFile(app, (await readFile(app, "utf8")).replace("hello from api", "hello again from api"));
    expect((await git(["commit", "-qam", "new greeting"])).code).toBe(0);
    const second = await dev(["deploy", "swarm", "--registry", registryAddr, "--endpoint-mode", "dnsrr", "--port", String(port), "--timeout", "600"]);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    const after = await tasks();
    expect(after.api).toBeDefined();
    expect(after.api).not.toBe(before.api);
    expect(after.nginx).toBe(before.nginx);
    expect(after.postgres).toBe(before.postgres);
    expect(JSON.parse((await getUntilOk(`http://127.0.0.1:${port}/api/hello`)).body).message).toBe("hello again from api");
  });

  it("refuses to deploy without --registry (exit 2, nothing written)", async () => {
    const before = await readFile(join(root, "deploy/swarm/stack.yaml"), "utf8");
    const res = await dev(["deploy", "swarm"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: dev deploy swarm needs --registry/);
    expect(await readFile(join(root, "deploy/swarm/stack.yaml"), "utf8")).toBe(before);
  });
});

// Every preset goes through `dev export swarm` in test/golden/export-presets.test.ts. Deployed:
// python-http, postgres and nginx above; every other preset whose image runs here below, in one
// stack behind Caddy (one deploy, one convergence; its Caddyfile ships without the development
// certificate, which stays on the developer's machine). Not deployed: traefik (no image of it
// here: Debian does not package it and no container reaches a registry), elasticsearch and
// opensearch (their images are Elastic's and OpenSearch's builds of a JVM application, which
// Debian does not package either).
describe("dev deploy swarm with every other preset whose image runs here", () => {
  it("deploys fastapi, worker, redis, rabbitmq, jumpbox, node, node-http and django behind caddy at once; the broker's password, built from its secret at start, opens it from a service", async () => {
    presetsRoot = join(await tempDir(), presetsProject);
    const made = await sh("node", [CREATE_STACK, presetsRoot, "--yes", "--proxy", "caddy", "--preset", "fastapi,rabbitmq,redis,worker,jumpbox", "--name", presetsProject, "--health-interval", "1s", ...IMAGE_ARGS]);
    expect(made.code, made.stderr).toBe(0);
    for (const [name, template] of [["web", "node"], ["site", "node-http"], ["admin", "django"]] as const) {
      const added = await dev(["add", "service", name, "--template", template, "--route", `/${name}`, "--no-start"], presetsRoot);
      expect(added.code, added.stderr + added.stdout).toBe(0);
    }
    // Django and its driver are in the other Python test image: the starter's Dockerfile is the
    // user's to edit, and this one names an image they have.
    const dockerfile = join(presetsRoot, "services/admin/Dockerfile");
    await writeFile(dockerfile, (await readFile(dockerfile, "utf8")).replace("FROM ${BASE_IMAGE}", `FROM ${testImage("python-extras")}`));

    const published = await getPort({ host: "0.0.0.0" });
    // The push is tested above; here the single node runs the images it built (--no-push), which
    // saves pushing the second Debian root (half a gigabyte) the Node and Django images are built on.
    const deployed = await dev(["deploy", "swarm", "--registry", registryAddr, "--endpoint-mode", "dnsrr", "--port", String(published), "--timeout", "600", "--no-push"], presetsRoot);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    expect(deployed.stdout).toMatch(/converged in [\d.]+ s/);
    expect(Object.keys(await tasks(presetsProject)).sort()).toEqual(["admin", "api", "caddy", "rabbitmq", "redis", "site", "web", "worker"]);
    // The jumpbox is deployed with no replica: `docker service scale` starts one when needed.
    expect((await sh("docker", ["service", "inspect", "-f", "{{.Spec.Mode.Replicated.Replicas}}", `${presetsProject}_jumpbox`])).stdout.trim()).toBe("0");

    // Every routed service answers through the proxy.
    for (const name of ["api", "web", "site", "admin"]) {
      const res = await getUntilOk(`http://127.0.0.1:${published}/${name}/`, 60_000);
      expect(res.status, `${name}: ${res.body}`).toBe(200);
      expect(JSON.parse(res.body).service, res.body).toBe(name);
    }

    // The broker: healthy, its password made from the stack's secret when it started, and
    // nowhere in the stack file.
    const password = envValue(await readFile(join(presetsRoot, ".env"), "utf8"), "RABBITMQ_PASSWORD");
    expect(password).toMatch(/^\S{16,}$/);
    expect(await readFile(join(presetsRoot, "deploy/swarm/stack.yaml"), "utf8")).not.toContain(password);
    const secrets = (await sh("docker", ["secret", "ls", "--filter", `label=com.docker.stack.namespace=${presetsProject}`, "--format", "{{.Name}}"])).stdout;
    expect(secrets).toMatch(new RegExp(`^${presetsProject}_rabbitmq_password_\\w+$`, "m"));
    const broker = await containerOf("rabbitmq", presetsProject);
    expect((await sh("docker", ["inspect", "-f", "{{.State.Health.Status}}", broker])).stdout.trim()).toBe("healthy");
    expect((await sh("docker", ["exec", broker, "cat", "/run/secrets/rabbitmq_password"])).stdout).toBe(password);
    expect(await processEnv(broker, "RABBITMQ_DEFAULT_PASS", "rabbitmq")).toBe(password);
    // Its data is under its node name, rabbit@rabbitmq: the fixed hostname a new task has too.
    expect((await sh("docker", ["exec", broker, "ls", "/var/lib/rabbitmq/mnesia"])).stdout.split("\n")).toContain("rabbit@rabbitmq");

    // From a service: AMQP_URL built from the same secret; the broker speaks AMQP (Connection.Start,
    // class 10 method 10, on channel 0) and its API takes that password and no other.
    const api = await containerOf("api", presetsProject);
    expect(await processEnv(api, "AMQP_URL")).toBe(`amqp://app:${password}@rabbitmq:5672/%2F`);
    const amqp = await sh("docker", ["exec", api, "python", "-c", [
      "import socket",
      "s = socket.create_connection(('rabbitmq', 5672), 10)",
      "s.sendall(b'AMQP\\x00\\x00\\x09\\x01')",
      "d = b''",
      "while len(d) < 11: d += s.recv(11 - len(d))",
      "print(d[0], int.from_bytes(d[1:3], 'big'), int.from_bytes(d[7:9], 'big'), int.from_bytes(d[9:11], 'big'))",
    ].join("\n")]);
    expect(amqp.stdout.trim(), amqp.stderr).toBe("1 0 10 10");
    // The management API's aliveness test declares a queue, publishes to it and consumes the message.
    const alive = await sh("docker", ["exec", api, "curl", "-s", "-u", `app:${password}`, "http://rabbitmq:15672/api/aliveness-test/%2F"]);
    expect(alive.stdout, alive.stderr).toBe('{"status":"ok"}');
    const wrong = await sh("docker", ["exec", api, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "app:not-the-password", "http://rabbitmq:15672/api/whoami"]);
    expect(wrong.stdout).toBe("401");

    // The Celery worker reached its broker (redis, whose password is a secret too).
    const worker = await containerOf("worker", presetsProject);
    let logs = "";
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      const out = await sh("docker", ["logs", worker]);
      logs = out.stdout + out.stderr;
      if (/celery@\S+ ready\./.test(logs)) break;
    }
    expect(logs).toMatch(/celery@\S+ ready\./);
  }, 900_000);
});
