import { errorToJson, reportError } from "../errors/report-error.js";

export interface OutputOptions {
  json?: boolean;
  verbose?: boolean;
}

/**
 * The one place errors become output and exit codes. Handlers never call process.exit: they
 * return or throw, and pending writes and cleanups finish.
 */
export async function runCommand(argv: object, fn: () => Promise<void>): Promise<void> {
  const opts = argv as OutputOptions;
  try {
    await fn();
  } catch (err) {
    const report = reportError(err, opts.verbose);
    if (opts.json) process.stdout.write(JSON.stringify(errorToJson(err), null, 2) + "\n");
    process.stderr.write(report.text + "\n");
    process.exitCode = report.exitCode;
  }
}

/** Errors yargs raises while parsing (unknown option, bad choice): printed like any other, exit 2. */
export function reportUsageError(err: unknown): void {
  const report = reportError(err);
  process.stderr.write(report.text + "\n");
  process.exitCode = report.exitCode;
}
