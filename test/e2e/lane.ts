import { execFileSync } from "node:child_process";

/** What the end-to-end tests run on: the engine's version and the compose CLI `dev` will pick. */
export interface LaneFacts {
  engine: string;
  apiVersion: string;
  /** "v2 2.26.1" (the plugin, `docker compose`) or "v1 1.29.2" (`docker-compose`). */
  compose: string;
}

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

export function laneFacts(): LaneFacts {
  const [engine = "?", apiVersion = "?"] = (run("docker", ["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"]) ?? "").split(" ");
  // The order src/engine/compose-cli.ts tries them in.
  const v2 = run("docker", ["compose", "version", "--short"]);
  const v1 = v2 === undefined ? run("docker-compose", ["version", "--short"]) : undefined;
  const compose = v2 !== undefined ? `v2 ${v2.replace(/^v/, "")}` : v1 !== undefined ? `v1 ${v1}` : "none";
  return { engine, apiVersion, compose };
}

/**
 * A lane's name is a promise about what it runs on: "current" is Engine 25+ with the compose v2
 * plugin, "debian12" is Engine 20.10 with docker-compose v1. A mismatch (a plugin left in
 * ~/.docker, a DOCKER_HOST pointing elsewhere) would report results under the wrong name.
 */
export function laneProblem(lane: string | undefined, facts: LaneFacts): string | undefined {
  if (lane === undefined) return undefined;
  const major = Number(facts.engine.split(".")[0]);
  if (lane === "current") {
    if (!(major >= 25)) return `the current lane needs Docker Engine 25 or later; DOCKER_HOST reaches ${facts.engine}`;
    if (!facts.compose.startsWith("v2 ")) return `the current lane needs the compose v2 plugin; found ${facts.compose}`;
    return undefined;
  }
  if (lane === "debian12") {
    if (major !== 20) return `the debian12 lane runs on Docker Engine 20.10; DOCKER_HOST reaches ${facts.engine}`;
    if (!facts.compose.startsWith("v1 ")) return `the debian12 lane runs docker-compose v1; \`dev\` would pick ${facts.compose}`;
    return undefined;
  }
  return `unknown lane "${lane}" (E2E_LANE): current or debian12`;
}
