import type { Argv } from "yargs";
import { errorToJson, reportError } from "../errors/report-error.js";
import { StackError } from "../errors/stack-error.js";
import { flagErrorFor } from "./flag-values.js";

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

/**
 * What both CLIs share: strict parsing, completion, help, version, and usage errors (unknown
 * option, bad choice) reported like any other error, with exit code 2, before any command runs.
 */
export async function runCli(cli: Argv, name: string): Promise<void> {
  try {
    await cli
      .strict()
      .completion("completion", "Print a shell completion script")
      .help()
      .version()
      .wrap(Math.min(100, process.stdout.columns || 100))
      .fail((msg, err) => {
        // Throwing stops yargs here: the command must not run with arguments it rejected.
        if (err instanceof StackError) throw err;
        throw flagErrorFor(err) ?? new StackError({ code: "E_USAGE", message: err?.message ?? msg, hint: `see ${name} --help` });
      })
      .parseAsync();
  } catch (err) {
    const report = reportError(err);
    process.stderr.write(report.text + "\n");
    process.exitCode = report.exitCode;
  }
}
