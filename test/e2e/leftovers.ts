import { execFileSync } from "node:child_process";

/**
 * What a run left on the shared engine: everything whose name carries the run's tag (every name
 * a test gives out comes from uniqueName). Compose names containers, volumes and networks after
 * the project, and v1/v2 name built images `proj_svc` / `proj-svc`; swarm stacks name services
 * and secrets `proj_x`.
 */
export interface Leftover {
  kind: "container" | "image" | "volume" | "network" | "service" | "secret";
  name: string;
}

function names(args: string[]): string[] {
  try {
    return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n").filter(Boolean);
  } catch {
    // `docker service ls` on an engine that is not a swarm manager: nothing of that kind.
    return [];
  }
}

export function findLeftovers(tag: string): Leftover[] {
  const ours = (name: string) => name.includes(`-${tag}-`);
  const kinds: [Leftover["kind"], string[]][] = [
    ["container", ["ps", "-a", "--format", "{{.Names}}"]],
    ["service", ["service", "ls", "--format", "{{.Name}}"]],
    ["secret", ["secret", "ls", "--format", "{{.Name}}"]],
    ["network", ["network", "ls", "--format", "{{.Name}}"]],
    ["volume", ["volume", "ls", "--format", "{{.Name}}"]],
    ["image", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]],
  ];
  return kinds.flatMap(([kind, args]) => names(args).filter(ours).map((name) => ({ kind, name })));
}

/** Removes them, each by its own name (never by id: a cached image's id is shared with others'). */
export function removeLeftovers(found: Leftover[]): void {
  const rm: Record<Leftover["kind"], string[]> = {
    service: ["service", "rm"],
    container: ["rm", "-f", "-v"],
    secret: ["secret", "rm"],
    network: ["network", "rm"],
    volume: ["volume", "rm", "-f"],
    image: ["image", "rm"],
  };
  for (const kind of Object.keys(rm) as Leftover["kind"][]) {
    const these = found.filter((f) => f.kind === kind).map((f) => f.name);
    if (these.length) names([...rm[kind], ...these]);
  }
}
