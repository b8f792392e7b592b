import { StackError } from "../errors/stack-error.js";

/**
 * yargs `coerce` functions: a flag's text becomes a value or a one-line error naming the flag,
 * before any command runs. Rules about what the value means (a port's range, a route's shape)
 * belong to stack.yaml's validation, not here.
 */
const thrown = new Map<string, StackError>();

function invalid(message: string, hint: string): StackError {
  const err = new StackError({ code: "E_FLAG_INVALID", message, hint });
  thrown.set(message, err);
  return err;
}

/** yargs re-wraps what a coerce function throws in its own error, keeping only the message: find ours again. */
export function flagErrorFor(err: Error | undefined): StackError | undefined {
  return err ? thrown.get(err.message) : undefined;
}

/** A flag that makes sense once: given twice, yargs hands over an array. */
function once(flag: string, value: unknown): string {
  if (Array.isArray(value)) throw invalid(`${flag} was given ${value.length} times`, `pass ${flag} once`);
  return String(value);
}

export const single = (flag: string) => (value: unknown) => once(flag, value);

export const nonEmpty = (flag: string) => (value: unknown) => {
  const text = once(flag, value);
  if (text.trim() === "") throw invalid(`${flag} is empty`, `give ${flag} a value, or leave the flag out`);
  return text;
};

/** A whole number at least `min`; "abc", "1.5" and "" are refused instead of becoming NaN. */
export const integer = (flag: string, min: number, example: number) => (value: unknown) => {
  const text = once(flag, value).trim();
  if (!/^\d+$/.test(text) || Number(text) < min) throw invalid(`${flag} "${text}" is not a whole number${min > 0 ? ` (${min} or more)` : ""}`, `e.g. ${flag} ${example}`);
  return Number(text);
};

/** A comma-separated list; an empty item (`a,,b`, `,`) is a typo, not nothing. */
export const list = (flag: string) => (value: unknown) => {
  const items = once(flag, value).split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw invalid(`${flag} "${String(value)}" has an empty item`, `separate names with single commas, e.g. ${flag} a,b`);
  return items;
};
