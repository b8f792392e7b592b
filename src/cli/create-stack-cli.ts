import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { list, nonEmpty, single } from "./flag-values.js";
import { runCli, runCommand } from "./run-command.js";

// Only yargs is loaded up front: --help and --version must stay fast. The work is imported lazily.
const cli = yargs(hideBin(process.argv))
  .scriptName("create-stack")
  .command(
    "$0 [dir]",
    "Scaffold a multi-service dev stack from presets",
    (y) =>
      y
        .positional("dir", { type: "string", describe: "Folder to create (or fill, with --force); asked on a terminal when missing" })
        .option("preset", {
          type: "string",
          coerce: list("--preset"),
          describe: "Comma-separated presets (default: python-http,postgres,redis,worker,jumpbox and the default proxy)",
        })
        .option("proxy", { type: "string", coerce: single("--proxy"), describe: "Reverse proxy: a proxy preset (default: the one marked default), or none; an unknown name lists them" })
        .option("name", { type: "string", coerce: single("--name"), describe: "Project name (default: from the folder name)" })
        .option("image", { type: "string", array: true, default: [] as string[], describe: "Image override FROM=TO, e.g. for a private registry (repeatable)" })
        .option("health-interval", { type: "string", coerce: nonEmpty("--health-interval"), describe: "Interval of generated healthchecks (default 3s)" })
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Take defaults, never prompt" })
        .option("dry-run", { type: "boolean", default: false, describe: "Print the plan, write nothing" })
        .option("force", { type: "boolean", default: false, describe: "Allow a non-empty folder (no file is deleted, your files are kept)" })
        .option("json", { type: "boolean", default: false, describe: "Machine-readable output" })
        .option("verbose", { type: "boolean", default: false, describe: "Show stack traces of unexpected errors" }),
    (argv) =>
      runCommand(argv, async () => {
        const { runCreate } = await import("../commands/create.js");
        await runCreate(argv);
      }),
  )
  .example("create-stack my-app", "the default stack: api, worker, postgres, redis, traefik, jumpbox")
  .example("create-stack shop --preset fastapi,postgres --proxy nginx --yes", "FastAPI on postgres behind nginx");

await runCli(cli, "create-stack");
