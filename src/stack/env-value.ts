/**
 * The longest env value, in UTF-8 bytes. Linux refuses to start a process whose environment holds
 * a single "KEY=value" string over 131,072 bytes (MAX_ARG_STRLEN: execve fails with E2BIG, the
 * container never starts); half of it leaves room for the key and for compose's own handling.
 */
export const ENV_VALUE_MAX_BYTES = 65_536;

export const ENV_VALUE_HINT = `keep each value under ${ENV_VALUE_MAX_BYTES.toLocaleString("en-US")} bytes and without NUL characters; put large data in a file the service reads`;

export function envValueProblem(key: string, value: unknown): string | undefined {
  const text = String(value);
  // A NUL ends the string in every C program: the value would be cut short, silently.
  if (text.includes("\0")) return `env ${key} holds a NUL character`;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > ENV_VALUE_MAX_BYTES) return `env ${key} is ${bytes.toLocaleString("en-US")} bytes long; the limit is ${ENV_VALUE_MAX_BYTES.toLocaleString("en-US")}`;
  return undefined;
}
