import type { ComposeNode, Origin } from "./compose-node.js";
import { get, textOf } from "./compose-node.js";

/** One published (or only exposed) port, ranges expanded to their bounds. */
export interface PortSpec {
  hostIp?: string;
  /** Host port range; undefined when compose picks an ephemeral port. */
  published?: { start: number; end: number };
  target: { start: number; end: number };
  protocol: string;
  origin: Origin;
}

export class ShortSyntaxError extends Error {
  readonly origin: Origin;
  constructor(message: string, origin: Origin) {
    super(message);
    this.origin = origin;
  }
}

function range(text: string, origin: Origin, what: string): { start: number; end: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ShortSyntaxError(`${what} "${text}" is not a port or a range of ports`, origin);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 0 || end > 65535 || end < start) throw new ShortSyntaxError(`${what} "${text}" is out of 0-65535 or reversed`, origin);
  return { start, end };
}

/**
 * Compose's short port syntax `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`
 * (IPv6 host addresses in brackets), or the long syntax as a mapping.
 */
export function parsePort(node: ComposeNode): PortSpec {
  const origin = node.origin;
  if (node.kind === "map") {
    const target = textOf(get(node, "target"));
    if (target === undefined) throw new ShortSyntaxError("a port in long syntax needs target", origin);
    const published = textOf(get(node, "published"));
    return {
      hostIp: textOf(get(node, "host_ip")) || undefined,
      published: published ? range(published, origin, "published port") : undefined,
      target: range(target, origin, "container port"),
      protocol: textOf(get(node, "protocol")) ?? "tcp",
      origin,
    };
  }
  const text = textOf(node);
  if (text === undefined) throw new ShortSyntaxError("a port entry is empty", origin);
  let rest = text.trim();
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw new ShortSyntaxError(`port "${text}" has an unclosed [ around its host address`, origin);
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 1).replace(/^:/, "");
  }
  const parts = rest.split(":");
  if (parts.length > 3 || (hostIp !== undefined && parts.length > 2)) throw new ShortSyntaxError(`port "${text}" has too many colons (IPv6 addresses go in brackets)`, origin);
  const target = range(parts.at(-1)!, origin, "container port");
  let published: PortSpec["published"];
  if (parts.length >= 2 && parts.at(-2) !== "") published = range(parts.at(-2)!, origin, "published port");
  if (parts.length === 3) hostIp = parts[0] || undefined;
  return { hostIp, published, target, protocol, origin };
}

export interface VolumeSpec {
  type: "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";
  /** Host path (bind) or volume name; undefined for an anonymous volume. */
  source?: string;
  target: string;
  readOnly: boolean;
  origin: Origin;
}

/** `SOURCE:TARGET[:MODE]`, `TARGET` alone, or the long syntax. */
export function parseVolume(node: ComposeNode): VolumeSpec {
  const origin = node.origin;
  if (node.kind === "map") {
    const target = textOf(get(node, "target"));
    if (!target) throw new ShortSyntaxError("a volume in long syntax needs target", origin);
    const ro = get(node, "read_only");
    return {
      type: (textOf(get(node, "type")) ?? "volume") as VolumeSpec["type"],
      source: textOf(get(node, "source")),
      target,
      readOnly: ro?.kind === "scalar" && (ro.value === true || ro.value === "true"),
      origin,
    };
  }
  const text = textOf(node);
  if (!text) throw new ShortSyntaxError("a volume entry is empty", origin);
  const parts = text.split(":");
  // A Windows drive letter (C:\\data) belongs to the source, not a separator.
  if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0]!) && /^[\\/]/.test(parts[1]!)) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  if (parts.length === 1) return { type: "volume", target: parts[0]!, readOnly: false, origin };
  const [source, target, mode = ""] = parts as [string, string, string?];
  const isPath = /^([./~]|[A-Za-z]:[\\/]|\$)/.test(source);
  return { type: isPath ? "bind" : "volume", source, target, readOnly: mode.split(",").includes("ro"), origin };
}

export interface KeyValue {
  key: string;
  /** null: a bare `KEY` in a list or `KEY:` with no value (taken from the shell for environment). */
  value: string | null;
  keyOrigin: Origin;
  valueOrigin: Origin;
  /** The value as written before variable substitution, when substitution changed it. */
  raw?: string;
}

/** environment, labels, args, sysctls, extra_hosts: a mapping or a list of KEY=VALUE. */
export function keyValues(node: ComposeNode | undefined, separator = "="): KeyValue[] {
  if (!node) return [];
  if (node.kind === "map") {
    return [...node.entries.values()].map((e) => ({
      key: e.key,
      value: e.value.kind === "scalar" && e.value.value !== null ? String(e.value.value) : e.value.kind === "scalar" ? null : null,
      keyOrigin: e.keyOrigin,
      valueOrigin: e.value.origin,
      ...(e.value.kind === "scalar" && e.value.raw !== undefined ? { raw: e.value.raw } : {}),
    }));
  }
  if (node.kind === "seq") {
    return node.items.flatMap((item) => {
      const text = textOf(item);
      if (text === undefined) return [];
      const at = text.indexOf(separator);
      const raw = item.kind === "scalar" && item.raw !== undefined && item.raw.includes(separator) ? item.raw.slice(item.raw.indexOf(separator) + 1) : undefined;
      return [{ key: at < 0 ? text : text.slice(0, at), value: at < 0 ? null : text.slice(at + 1), keyOrigin: item.origin, valueOrigin: item.origin, ...(raw !== undefined ? { raw } : {}) }];
    });
  }
  return [];
}

export interface Dependency {
  service: string;
  condition: string;
  required: boolean;
  origin: Origin;
}

/** depends_on as a list of names or a mapping of name → {condition, required, restart}. */
export function dependencies(node: ComposeNode | undefined): Dependency[] {
  if (!node) return [];
  if (node.kind === "seq") return node.items.flatMap((i) => (textOf(i) ? [{ service: textOf(i)!, condition: "service_started", required: true, origin: i.origin }] : []));
  if (node.kind === "map")
    return [...node.entries.values()].map((e) => ({
      service: e.key,
      condition: textOf(get(e.value, "condition")) ?? "service_started",
      required: textOf(get(e.value, "required")) !== "false",
      origin: e.keyOrigin,
    }));
  return [];
}
