import type { Argv } from "yargs";
import { errorToJson, reportError } from "../errors/report-error.js";
import { StackError } from "../errors/stack-error.js";
import { flagErrorFor } from "./flag-values.js";
import { packageVersion } from "../fs/package-paths.js";
import { suggestOptions } from "./did-you-mean.js";

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
    // Ctrl-C at a prompt: the user changed their mind; nothing was written.
    if ((err as Error)?.name === "ExitPromptError") {
      process.stderr.write("cancelled\n");
      process.exitCode = 130;
      return;
    }
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
  // `dev logs | head`: the reader left; that is the end of the output, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  skipHelpCache(cli);
  try {
    await cli
      .strict()
      .completion("completion", "Print a shell completion script")
      .help()
      .version(packageVersion())
      // A mistyped command gets "Did you mean ...?" in its usage error.
      .recommendCommands()
      .wrap(Math.min(100, process.stdout.columns || 100))
      .fail((msg, err) => {
        // Throwing stops yargs here: the command must not run with arguments it rejected.
        if (err instanceof StackError) throw err;
        const flagError = flagErrorFor(err);
        if (flagError) throw flagError;
        if (err) throw new StackError({ code: "E_USAGE", message: err.message, hint: `see ${name} --help` });
        const opts = (cli as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
        const known = [...Object.keys(opts.key), ...Object.values(opts.alias).flat()];
        const text = /^Did you mean /.test(msg) ? `unknown command. ${msg}` : suggestOptions(msg, known);
        throw new StackError({ code: "E_USAGE", message: text, hint: `see ${name} --help` });
      })
      .parseAsync();
  } catch (err) {
    const report = reportError(err);
    process.stderr.write(report.text + "\n");
    process.exitCode = report.exitCode;
  }
}

/**
 * yargs renders the running command's whole help text as each command starts, in case the command
 * later calls showHelp() (none does; --help and usage errors render their own). On a 50-service
 * dev export that rendering (cliui wrapping every line) cost more than writing the manifests.
 */
function skipHelpCache(cli: Argv): void {
  const internal = (cli as unknown as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => undefined;
}
