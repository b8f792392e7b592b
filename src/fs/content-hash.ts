import { createHash } from "node:crypto";

/** A file's identity for "has it changed since we read it": sha-256 of its text. */
export function contentHash(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}
