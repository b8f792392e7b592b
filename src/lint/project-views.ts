import { get, textOf, parsePort, parseTraefikLabels, type ComposeNode, type ComposeProject, type MapNode, type PortSpec, type TraefikLabels } from "../compose/index.js";

/** The enabled services of the project, in file order. */
export const servicesOf = (project: ComposeProject): [string, MapNode][] => [...project.services];

/** An image reference split as docker reads it: registry/path, tag, digest. */
export interface ImageRef {
  repository: string;
  /** Last path segment, lower case: what the image is (postgres, redis, traefik). */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, name: rest.split("/").at(-1)!.toLowerCase(), tag, digest };
}

export function imageOf(svc: MapNode): { ref: ImageRef; text: string; node: ComposeNode } | undefined {
  const node = get(svc, "image");
  const text = textOf(node);
  return text && node ? { ref: parseImage(text), text, node } : undefined;
}

/** A service that runs Traefik (by image, or a command starting with traefik). */
export function isTraefik(svc: MapNode): boolean {
  const image = imageOf(svc);
  if (image && /(^|\/)traefik$/.test(image.ref.repository.toLowerCase())) return true;
  return false;
}

/** Published and exposed ports of a service, skipping entries that do not parse (the schema rule reports those). */
export function portsOf(svc: MapNode): PortSpec[] {
  const ports = get(svc, "ports");
  if (ports?.kind !== "seq") return [];
  return ports.items.flatMap((item) => {
    try {
      return [parsePort(item)];
    } catch {
      return [];
    }
  });
}

const traefikCache = new WeakMap<MapNode, TraefikLabels>();
/** The Traefik labels of a service's container (not those under deploy:). */
export function traefikOf(svc: MapNode): TraefikLabels {
  let t = traefikCache.get(svc);
  if (!t) {
    t = parseTraefikLabels(get(svc, "labels"));
    traefikCache.set(svc, t);
  }
  return t;
}

/** The command-line arguments of a service: command as a list or a string split on spaces. */
export function commandArgs(svc: MapNode): { text: string; node: ComposeNode }[] {
  const command = get(svc, "command");
  if (command?.kind === "seq") return command.items.flatMap((n) => (textOf(n) !== undefined ? [{ text: textOf(n)!, node: n }] : []));
  const text = textOf(command);
  return text && command ? text.split(/\s+/).filter(Boolean).map((t) => ({ text: t, node: command })) : [];
}

export const isLoopback = (ip: string | undefined) => !!ip && (ip.startsWith("127.") || ip === "::1" || ip === "localhost");
export const isAllInterfaces = (ip: string | undefined) => !ip || ip === "0.0.0.0" || ip === "::" || ip === "[::]";
