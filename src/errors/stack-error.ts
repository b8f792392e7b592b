import type { ErrorCode } from "./error-codes.js";

export type { ErrorCode } from "./error-codes.js";

/** Where in an input file a problem is; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export type ExitCode = 1 | 2;

export interface StackErrorInit {
  /** Stable machine-readable code, e.g. `E_STACK_SCHEMA` (the list: error-codes.ts). */
  code: ErrorCode;
  message: string;
  /** What the user can do about it. */
  hint?: string;
  location?: SourceLocation;
  /** 2 for usage and validation errors (the default), 1 for runtime failures. */
  exitCode?: ExitCode;
  /** Extra lines shown under the message, e.g. the last log lines of a failing container. */
  details?: string[];
  cause?: unknown;
}

/**
 * The one error type the CLI reports. Everything the user can cause or fix ends up as one of
 * these; anything else is a bug and is reported with its stack.
 */
export class StackError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly exitCode: ExitCode;
  readonly details: string[];

  constructor(init: StackErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "StackError";
    this.code = init.code;
    this.hint = init.hint;
    this.location = init.location;
    this.exitCode = init.exitCode ?? 2;
    this.details = init.details ?? [];
  }
}

/** Several validation problems found in one pass; reported together so the user fixes them at once. */
export class StackErrors extends Error {
  readonly errors: StackError[];
  readonly exitCode: ExitCode;
  constructor(errors: StackError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "StackErrors";
    this.errors = errors;
    this.exitCode = errors.some((e) => e.exitCode === 1) ? 1 : 2;
  }
}

export function isStackError(err: unknown): err is StackError {
  return err instanceof StackError;
}

/** Throws all collected problems, if any: one as itself, several as a StackErrors. */
export function throwIfAny(errors: StackError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new StackErrors(errors);
}

export function runtimeError(code: ErrorCode, message: string, hint?: string, details?: string[]): StackError {
  return new StackError({ code, message, hint, details, exitCode: 1 });
}

/** A command named services the stack does not have; `known` is what it could have named. */
export function unknownServiceError(unknown: readonly string[], known: Iterable<string>, hint?: string): StackError {
  const list = [...known];
  return new StackError({
    code: "E_UNKNOWN_SERVICE",
    message: `unknown service${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
    hint: hint ?? `services: ${list.join(", ") || "none"}`,
  });
}
