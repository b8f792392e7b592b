import { dirname, relative } from "node:path";
import { docker, dockerOk, stackServices, swarmState, type SwarmServiceState } from "../engine/docker-cli.js";
import { runtimeError, StackError } from "../errors/stack-error.js";
import type { ExportService } from "../export/export-model.js";
import { loadProject } from "../stack/load-project.js";
import { waitFor, type Readiness } from "../wait/index.js";
import { exportSwarmFiles, type SwarmExportArgs } from "./export.js";

export interface DeploySwarmArgs extends SwarmExportArgs {
  timeout: number;
  push: boolean;
}

/**
 * `dev deploy swarm`: export, build and push the images, create the secrets, deploy, wait until
 * every service runs its current spec, print the URL.
 */
export async function deploySwarm(args: DeploySwarmArgs): Promise<void> {
  if (!args.registry) throw new StackError({ code: "E_USAGE", message: "dev deploy swarm needs --registry", hint: "name the registry the nodes pull from, e.g. --registry registry.example.com/team (or 127.0.0.1:5000 for a local one)" });
  const project = loadProject(args.C);
  const swarm = await swarmState();
  if (swarm.state !== "active" || !swarm.manager) {
    throw runtimeError("E_SWARM_INACTIVE", `this Docker engine is ${swarm.state === "active" ? "a swarm worker, not a manager" : "not in a swarm"}`, "run `docker swarm init` (or point DOCKER_HOST at a manager), then deploy again");
  }
  const started = Date.now();
  const { prepared, stack, file } = await exportSwarmFiles(project, args);
  const model = prepared.model;
  const log = (line: string) => process.stdout.write(line + "\n");
  log(`stack file: ${relative(process.cwd(), file) || file}`);

  // One build per distinct build (a worker shares its api's folder), tagged for every service using it.
  const builds = new Map<string, ExportService[]>();
  for (const svc of model.services) {
    if (!svc.build) continue;
    const key = JSON.stringify(svc.build);
    builds.set(key, [...(builds.get(key) ?? []), svc]);
  }
  for (const group of builds.values()) {
    const b = group[0]!.build!;
    const tags = group.flatMap((s) => ["-t", s.image]);
    const buildArgs = Object.entries(b.args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
    const t0 = Date.now();
    await dockerOk(["build", "-q", "--force-rm", ...tags, ...buildArgs, "-f", `${b.context}/${b.dockerfile}`, b.context], `building ${group.map((s) => s.name).join(", ")}`, { cwd: project.root });
    log(`built ${group.map((s) => s.image).join(", ")} in ${secs(t0)}`);
    if (args.push) {
      for (const svc of group) {
        const p0 = Date.now();
        await dockerOk(["push", svc.image], `pushing ${svc.image}`);
        log(`pushed ${svc.image} in ${secs(p0)}`);
      }
    }
  }

  for (const s of stack.secrets) {
    if ((await docker(["secret", "inspect", s.name])).exitCode === 0) continue;
    // The stack's label: `docker stack rm` removes the secret with the stack.
    await dockerOk(["secret", "create", "--label", `com.docker.stack.namespace=${model.name}`, s.name, "-"], `creating secret ${s.name}`, { input: prepared.env[s.key] ?? "" });
    log(`created secret ${s.name} from .env ${s.key}`);
  }

  await dockerOk(["stack", "deploy", "--with-registry-auth", "--prune", "-c", file, model.name], `docker stack deploy ${model.name}`, { cwd: dirname(file) });
  log(`deployed stack ${model.name}; waiting for ${model.services.length} services to converge`);
  await waitFor(converged(model.name, model.services.filter((s) => s.role !== "tool").length, started), { timeoutMs: args.timeout * 1000 });
  const proxy = model.services.find((s) => s.publish);
  log(`stack ${model.name} converged in ${secs(started)}`);
  if (proxy?.publish) {
    const url = `http://127.0.0.1:${proxy.publish.published}`;
    for (const r of model.routes) log(`  ${r.route.padEnd(16)} -> ${r.service}  ${url}${r.route === "/" ? "/" : r.route}`);
    log(`url: ${url}/ (on this node${args.endpointMode === "dnsrr" ? "" : "; any node through the routing mesh"})`);
  }
}

/** Every service runs as many tasks as it wants, of its current spec, and no update is in flight. */
function converged(stack: string, expected: number, since: number): Readiness {
  let last: SwarmServiceState[] = [];
  return {
    what: `stack ${stack}`,
    intervalMs: 1000,
    probe: async () => {
      last = await stackServices(stack);
      const failed = last.find((s) => /rollback|paused/.test(s.updateState));
      if (failed) {
        return { ready: false, failed: runtimeError("E_SWARM_ROLLBACK", `service ${failed.name}: update ${failed.updateState}`, "see `docker service ps --no-trunc " + failed.name + "`", [failed.updateMessage, ...failed.tasks.map((t) => `${t.state} ${t.error}`)].filter(Boolean)) };
      }
      // Swarm retries a failing task for ever; three failures of this deploy are an answer.
      const failing = last.find((s) => s.failures.filter((f) => f.createdAt >= since - 5000).length >= 3);
      if (failing) {
        const error = failing.failures[0]!.error;
        return { ready: false, failed: runtimeError("E_SWARM_TASK_FAILED", `service ${failing.name} keeps failing: ${error}`, /address already in use/.test(error) ? "the published port is taken on this node: pass --port PORT" : `see \`docker service ps --no-trunc ${failing.name}\``) };
      }
      const ready = last.length >= expected && last.every((s) => s.running === s.desired && s.updateState !== "updating" && s.tasks.every((t) => t.state === "running"));
      return { ready };
    },
    timedOut: async (ms) =>
      runtimeError(
        "E_SWARM_TIMEOUT",
        `stack ${stack} did not converge within ${Math.round(ms / 1000)} s`,
        "see `docker stack ps --no-trunc " + stack + "`; pass --timeout SECONDS for slow pulls",
        last.map((s) => `${s.name}: ${s.running}/${s.desired} running${s.updateState ? `, update ${s.updateState}` : ""}${s.tasks.find((t) => t.error) ? `, ${s.tasks.find((t) => t.error)!.error}` : ""}`),
      ),
  };
}

function secs(t0: number): string {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}
