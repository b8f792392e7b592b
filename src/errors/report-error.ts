import { StackError, StackErrors, type SourceLocation } from "./stack-error.js";

export interface ErrorReport {
  text: string;
  exitCode: number;
}

function where(loc: SourceLocation | undefined): string {
  if (!loc) return "";
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.col !== undefined) s += `:${loc.col}`;
  return `${s}: `;
}

function formatOne(err: StackError): string {
  const lines = [`error: ${where(err.location)}${err.message}`];
  for (const d of err.details) lines.push(`  ${d}`);
  // A hint of several lines (a stack.yaml snippet) goes on under the first, indented as it.
  if (err.hint) lines.push(`  hint: ${err.hint.replace(/\n/g, "\n        ")}`);
  return lines.join("\n");
}

/** Turns any thrown value into what the CLI prints and the exit code it leaves with. */
export function reportError(err: unknown, verbose = false): ErrorReport {
  if (err instanceof StackErrors) {
    return { text: err.errors.map(formatOne).join("\n"), exitCode: err.exitCode };
  }
  if (err instanceof StackError) {
    let text = formatOne(err);
    if (verbose && err.cause instanceof Error && err.cause.stack) text += `\n${err.cause.stack}`;
    return { text, exitCode: err.exitCode };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const text = verbose
    ? `error: ${e.stack ?? e.message}`
    : `error: ${e.message}\n  hint: run again with --verbose for the stack trace, and report it if it looks like a bug`;
  return { text, exitCode: 1 };
}

/** Machine-readable form for --json. */
export function errorToJson(err: unknown): object {
  const list = err instanceof StackErrors ? err.errors : [err];
  return {
    ok: false,
    errors: list.map((e) =>
      e instanceof StackError
        ? { code: e.code, message: e.message, hint: e.hint, location: e.location, details: e.details }
        : { code: "E_INTERNAL", message: e instanceof Error ? e.message : String(e) },
    ),
  };
}
