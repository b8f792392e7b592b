import type { Engine } from "../engine/engine.js";

export interface Listener {
  address: string;
  port: number;
}

/**
 * The TCP ports a container listens on, read from /proc/net/tcp and tcp6 inside it (any image
 * with `cat`, whatever its language). Undefined when the engine cannot tell (no cat, no /proc).
 */
export async function listeningPorts(engine: Engine, containerId: string): Promise<Listener[] | undefined> {
  const res = await engine.exec(containerId, ["cat", "/proc/net/tcp", "/proc/net/tcp6"]).catch(() => undefined);
  if (!res || !/local_address/.test(res.output)) return undefined;
  return parseProcNetTcp(res.output);
}

/** Rows in state 0A (LISTEN): `0: 00000000:0BB8 00000000:0000 0A ...` is 0.0.0.0:3000. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*\d+:\s+([0-9A-F]+):([0-9A-F]{4})\s+[0-9A-F]+:[0-9A-F]{4}\s+0A\b/i.exec(line);
    if (!m) continue;
    const port = parseInt(m[2]!, 16);
    const address = addressOf(m[1]!);
    // Docker's embedded DNS listens inside every container on a user network; not the app.
    if (address === "127.0.0.11") continue;
    if (!out.some((l) => l.port === port && l.address === address)) out.push({ address, port });
  }
  return out;
}

function addressOf(hex: string): string {
  if (hex.length === 8) {
    // Little-endian bytes: 0100007F is 127.0.0.1.
    return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
  }
  if (/^0+$/.test(hex)) return "::";
  if (hex.toUpperCase() === "00000000000000000000000001000000") return "::1";
  if (hex.toUpperCase().startsWith("0000000000000000FFFF0000")) return addressOf(hex.slice(24));
  return hex;
}

/** Reachable from other containers and the published port: not bound to loopback only. */
export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}
