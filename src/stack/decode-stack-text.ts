import { StackError } from "../errors/stack-error.js";

/**
 * stack.yaml's bytes as text, refusing what is not UTF-8: a lenient decode would put U+FFFD in
 * compose.yaml, and in the user's own comment on the next edit. The error points at the first
 * byte that is not (line and column counted in characters).
 */
export function decodeStackText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const valid = new TextDecoder("utf-8").decode(bytes.subarray(0, firstInvalidByte(bytes)));
    const lines = valid.split("\n");
    const byte = bytes[firstInvalidByte(bytes)];
    throw new StackError({
      code: "E_STACK_YAML",
      message: `${file} is not UTF-8: byte 0x${(byte ?? 0).toString(16).toUpperCase().padStart(2, "0")} at line ${lines.length}, column ${[...lines.at(-1)!].length + 1}`,
      location: { file, line: lines.length, col: [...lines.at(-1)!].length + 1 },
      hint: `save the file as UTF-8 (it reads as ${JSON.stringify(lossy.slice(valid.length, valid.length + 20))})`,
    });
  }
}

/** The offset of the first byte that starts no valid UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      fatal.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return i;
}
