import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { integer, list, nonEmpty } from "./flag-values.js";
import { runCli, runCommand } from "./run-command.js";

// Only yargs loads up front (--help and --version stay fast); each command imports its work lazily.
const global = (y: Argv) =>
  y
    .option("C", { alias: "dir", type: "string", default: ".", describe: "Run as if started in DIR (stack.yaml is found upward)" })
    .option("verbose", { type: "boolean", default: false, describe: "Show stack traces of unexpected errors" });

const services = <T>(y: Argv<T>) => y.positional("services", { type: "string", array: true, default: [] as string[], describe: "Services (default: all)" });

const cli = global(yargs(hideBin(process.argv)))
  .scriptName("dev")
  .command(
    "up [services..]",
    "Start the stack, wait for health, then watch sources and restart what changed",
    (y) =>
      services(y)
        .option("watch", { type: "boolean", default: true, describe: "Watch sources (--no-watch to only start)" })
        .option("detach", { type: "boolean", default: false, describe: "Leave the stack running when watching stops" })
        .option("poll", { type: "boolean", default: false, describe: "Poll the filesystem (for mounts without native events)" }),
    (argv) => runCommand(argv, async () => (await import("../dev/up.js")).up(argv)),
  )
  .command(
    "down",
    "Stop the stack and remove its containers and networks",
    (y) => y.option("volumes", { type: "boolean", default: false, describe: "Remove named volumes too (data is lost)" }),
    (argv) => runCommand(argv, async () => (await import("../dev/down.js")).down(argv)),
  )
  .command(
    "status",
    "Services, state, health, URLs and ports",
    (y) => y.option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../dev/status.js")).status(argv)),
  )
  .command(
    "logs [services..]",
    "Logs of the stack's services, prefixed and coloured per service",
    (y) =>
      services(y)
        .option("follow", { alias: "f", type: "boolean", default: false })
        .option("tail", { type: "string", default: "100", coerce: integer("--tail", 0, 100), describe: "Lines per service to start with" }),
    (argv) => runCommand(argv, async () => (await import("../dev/logs.js")).logs(argv)),
  )
  .command(
    "restart <services..>",
    "Restart services through the Engine API and wait until they are healthy",
    (y) => services(y),
    (argv) => runCommand(argv, async () => (await import("../dev/restart.js")).restart(argv)),
  )
  .command(
    "sync",
    "Regenerate compose layers, proxy config and .env from stack.yaml",
    (y) => y.option("dry-run", { type: "boolean", default: false }).option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../dev/sync.js")).sync(argv)),
  )
  .command("add", "Add a service or a preset", (y) =>
    y
      .command(
        "service <name>",
        "Add a service: stack.yaml, compose layers, route, starter code; started if the stack runs",
        (s) =>
          s
            .positional("name", { type: "string", demandOption: true })
            .option("route", { type: "string", coerce: nonEmpty("--route"), describe: "Path prefix routed to it through the proxy, e.g. /billing" })
            .option("port", { type: "string", coerce: integer("--port", 1, 8000), describe: "Port it listens on inside the container" })
            .option("template", { type: "string", coerce: nonEmpty("--template"), describe: "Starter: python-http, fastapi, worker (default python-http)" })
            .option("image", { type: "string", coerce: nonEmpty("--image"), describe: "Run an existing image instead of starter code" })
            .option("path", { type: "string", coerce: nonEmpty("--path"), describe: "Source folder (default services/NAME); a worker can share another service's" })
            .option("depends-on", { type: "string", coerce: list("--depends-on"), describe: "Comma-separated services or presets to start first" })
            .option("env", { type: "string", array: true, default: [] as string[], describe: "K=V environment (repeatable)" })
            .option("start", { type: "boolean", default: true, describe: "Start it when the stack is running (--no-start to skip)" })
            .option("dry-run", { type: "boolean", default: false })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../add/add-service-command.js")).addServiceCommand(argv)),
      )
      .command(
        "preset <name>",
        "Add a preset (postgres, redis, jumpbox, ...) with its wiring",
        (s) => s.positional("name", { type: "string", demandOption: true }).option("dry-run", { type: "boolean", default: false }).option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../add/add-preset-command.js")).addPresetCommand(argv)),
      )
      .demandCommand(1, "say what to add: service or preset"),
  )
  .command("remove", "Remove a service", (y) =>
    y
      .command(
        "service <name>",
        "Remove a service from stack.yaml, layers, routes and the running stack (its source folder stays)",
        (s) =>
          s
            .positional("name", { type: "string", demandOption: true })
            .option("volumes", { type: "boolean", default: false, describe: "Remove its anonymous volumes too" })
            .option("delete-source", { type: "boolean", default: false, describe: "Delete its source folder too (only if no other service uses it)" })
            .option("dry-run", { type: "boolean", default: false })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../add/remove-service-command.js")).removeServiceCommand(argv)),
      )
      .demandCommand(1, "say what to remove: service"),
  )
  .command(
    "routes",
    "The routing table: path, service, port, URL",
    (y) => y.option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../add/routes-command.js")).routesCommand(argv)),
  )
  .demandCommand(1, "say what to do, e.g. dev up");

await runCli(cli, "dev");
