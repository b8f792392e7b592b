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

const swarmOptions = <T>(y: Argv<T>) =>
  y
    .option("registry", { type: "string", describe: "Registry of the images we build: REGISTRY/PROJECT-SERVICE:TAG" })
    .option("name", { type: "string", describe: "Stack name (default: the project name)" })
    .option("port", { type: "number", describe: "Port the proxy is published on (default: PROXY_PORT from .env)" })
    .option("endpoint-mode", { choices: ["vip", "dnsrr"] as const, default: "vip" as const, describe: "How services find each other: virtual IPs (needs IPVS) or DNS round robin" });

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
  .command("export", "Export the stack for Docker Swarm or Kubernetes (see README: dev export)", (y) =>
    y
      .command(
        "swarm",
        "Write a stack file for docker stack deploy: images, deploy sections, secrets, configs",
        (s) => swarmOptions(s).option("out", { type: "string", describe: "Stack file to write (default deploy/swarm/stack.yaml)" }).option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../deploy/export-command.js")).exportSwarm(argv)),
      )
      .command(
        "kubernetes",
        "Write a kustomize layout: base plus staging and demo overlays",
        (s) =>
          s
            .option("out", { type: "string", describe: "Folder to write (default deploy/kubernetes)" })
            .option("registry", { type: "string", describe: "Registry of the images we build: REGISTRY/PROJECT-SERVICE:TAG" })
            .option("name", { type: "string", describe: "Name prefix of Secrets and ConfigMaps, and of built images (default: the project)" })
            .option("namespace", { type: "string", describe: "Namespace prefix: overlays deploy to NS-staging and NS-demo (default: the project)" })
            .option("managed", { type: "string", array: true, default: [] as string[], coerce: (v: string[]) => v.flatMap((x) => x.split(",")).filter(Boolean), describe: "Add-ons run elsewhere (e.g. postgres): their connection URLs come from secrets.env" })
            .option("with-dev-secrets", { type: "boolean", default: false, describe: "Put the dev secrets from .env into the overlays' secrets.env (default: fresh random ones)" })
            .option("ingress-class", { type: "string", default: "nginx", describe: "ingressClassName of the Ingress (ingress-nginx annotations are used)" })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../deploy/export-command.js")).exportKubernetes(argv)),
      )
      .demandCommand(1, "say what to export to: swarm or kubernetes"),
  )
  .command("deploy", "Deploy the stack to Docker Swarm", (y) =>
    y
      .command(
        "swarm",
        "Build, tag and push the images, create secrets, docker stack deploy, wait until every service converges",
        (s) =>
          swarmOptions(s)
            .option("out", { type: "string", describe: "Stack file to write and deploy (default deploy/swarm/stack.yaml)" })
            .option("push", { type: "boolean", default: true, describe: "Push the built images (--no-push: a single-node swarm using local images)" })
            .option("timeout", { type: "number", default: 300, describe: "Seconds to wait for every service to converge" }),
        (argv) => runCommand(argv, async () => (await import("../deploy/deploy-swarm.js")).deploySwarm(argv)),
      )
      .demandCommand(1, "say where to deploy: swarm"),
  )
  .demandCommand(1, "say what to do, e.g. dev up");

await runCli(cli, "dev");
