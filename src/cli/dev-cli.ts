import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { integer, list, nonEmpty } from "./flag-values.js";
import { splitPassthrough } from "./passthrough.js";
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

// `dev exec api ls -la`: what follows the service is the container's, not dev's.
const { args: devArgs, rest } = splitPassthrough(hideBin(process.argv));
const service = <T>(y: Argv<T>) => y.positional("service", { type: "string", demandOption: true, describe: "A service of the stack" });

const cli = global(yargs(devArgs))
  .scriptName("dev")
  .command(
    "up [services..]",
    "Start the stack, wait for health, then watch sources and restart what changed",
    (y) =>
      services(y)
        .option("watch", { type: "boolean", default: true, describe: "Watch sources (--no-watch to only start)" })
        .option("detach", { type: "boolean", default: false, describe: "Leave the stack running when watching stops" })
        .option("poll", { type: "boolean", default: false, describe: "Poll the filesystem (for mounts without native events)" })
        .option("ui", { type: "boolean", default: true, describe: "Serve the dashboard on 127.0.0.1 (--no-ui: none)" })
        .option("timings", { type: "boolean", default: false, describe: "Print how long each step of the start took" }),
    (argv) => runCommand(argv, async () => (await import("../commands/up.js")).up(argv)),
  )
  .command(
    "down",
    "Stop the stack and remove its containers and networks",
    (y) =>
      y
        .option("volumes", { type: "boolean", default: false, describe: "Remove named volumes too (data is lost)" })
        .option("rmi", { choices: ["local", "all"] as const, describe: "Remove images too: local = the ones built for this stack, all = pulled ones too" }),
    (argv) => runCommand(argv, async () => (await import("../commands/down.js")).down(argv)),
  )
  .command(
    "status",
    "Services, state, health, URLs and ports",
    (y) => y.option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../commands/status.js")).status(argv)),
  )
  .command(
    "logs [services..]",
    "Logs of the stack's services, prefixed and coloured per service",
    (y) =>
      services(y)
        .option("follow", { alias: "f", type: "boolean", default: false })
        .option("tail", { alias: "n", type: "string", default: "100", coerce: integer("--tail", 0, 100), describe: "Lines per service to start with" }),
    (argv) => runCommand(argv, async () => (await import("../commands/logs.js")).logs(argv)),
  )
  .command(
    "restart <services..>",
    "Restart services through the Engine API and wait until they are healthy",
    (y) => services(y),
    (argv) => runCommand(argv, async () => (await import("../commands/restart.js")).restart(argv)),
  )
  .command(
    "adopt",
    "Adopt an existing compose project: a stack.yaml that references your compose files (never written)",
    (y) =>
      y
        .option("file", { alias: "f", type: "string", array: true, describe: "Compose files, in order (default: COMPOSE_FILE from .env, else compose's default names)" })
        .option("dry-run", { type: "boolean", default: false, describe: "Print the stack.yaml and what cannot be mapped; write nothing" })
        .option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../commands/adopt.js")).adopt(argv)),
  )
  .command(
    "sync",
    "Regenerate compose layers, proxy config and .env from stack.yaml",
    (y) => y.option("dry-run", { type: "boolean", default: false }).option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../commands/sync.js")).sync(argv)),
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
            .option("template", { type: "string", coerce: nonEmpty("--template"), describe: "Starter code from a service preset: python-http, fastapi, worker, node-http, node, django, ... (default python-http for a new folder)" })
            .option("image", { type: "string", coerce: nonEmpty("--image"), describe: "Run an existing image instead of starter code" })
            .option("path", { type: "string", coerce: nonEmpty("--path"), describe: "Source folder (default services/NAME). One that holds a Dockerfile is built as it is; a worker can share another service's" })
            .option("dockerfile", { type: "string", coerce: nonEmpty("--dockerfile"), describe: "Build with your own Dockerfile (project-relative), as it is" })
            .option("health-cmd", { type: "string", coerce: nonEmpty("--health-cmd"), describe: "Healthcheck: a shell command run in the container (own Dockerfile or image)" })
            .option("health-http", { type: "string", coerce: nonEmpty("--health-http"), describe: "Healthcheck: an HTTP path on --port that answers 2xx/3xx, e.g. /health" })
            .option("depends-on", { type: "string", coerce: list("--depends-on"), describe: "Comma-separated services or presets to start first" })
            .option("env", { type: "string", array: true, default: [] as string[], describe: "K=V environment (repeatable)" })
            .option("start", { type: "boolean", default: true, describe: "Start it when the stack is running (--no-start to skip)" })
            .option("dry-run", { type: "boolean", default: false })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../commands/add-service.js")).addServiceCommand(argv)),
      )
      .command(
        "preset <name>",
        "Add a preset (postgres, redis, jumpbox, ...) with its wiring",
        (s) =>
          s
            .positional("name", { type: "string", demandOption: true })
            .option("replace", { type: "string", coerce: nonEmpty("--replace"), describe: "A preset it takes the place of: dev add preset nginx --replace traefik switches the proxy" })
            .option("dry-run", { type: "boolean", default: false })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../commands/add-preset.js")).addPresetCommand(argv)),
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
            .option("rmi", { type: "boolean", default: false, describe: "Remove the image built for it too" })
            .option("delete-source", { type: "boolean", default: false, describe: "Delete its source folder too (only if no other service uses it)" })
            .option("dry-run", { type: "boolean", default: false })
            .option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../commands/remove-service.js")).removeServiceCommand(argv)),
      )
      .demandCommand(1, "say what to remove: service"),
  )
  .command(
    "routes",
    "The routing table: path, service, port, URL",
    (y) => y.option("json", { type: "boolean", default: false }),
    (argv) => runCommand(argv, async () => (await import("../commands/routes.js")).routesCommand(argv)),
  )
  .command(
    "trust",
    "Install the machine's local CA (made on first use) into the system and browser stores where it can; prints the rest",
    (y) => y.option("dry-run", { type: "boolean", default: false, describe: "Say what would be installed, install nothing" }),
    (argv) => runCommand(argv, async () => (await import("../commands/trust.js")).trust(argv)),
  )
  .command(
    "lint [files..]",
    "Lint a compose project (ours or any): merged as compose merges it, findings at file:line:col",
    (y) =>
      y
        .positional("files", { type: "string", array: true, default: [] as string[], describe: "Compose files in merge order (default: as docker compose chooses them)" })
        .option("format", { choices: ["text", "json", "sarif"] as const, default: "text" as const, describe: "Output: text, JSON for scripts, SARIF 2.1.0 for code scanning" })
        .option("fix", { type: "boolean", default: false, describe: "Apply the safe fixes (bind databases to 127.0.0.1, add traefik.docker.network), showing the diff first" })
        .option("disable", { type: "string", default: [] as string[], coerce: (v: string | string[]) => [v].flat(), describe: "Turn a rule off (repeatable or comma-separated)" })
        .option("profile", { type: "string", default: [] as string[], coerce: (v: string | string[]) => [v].flat(), describe: "Enable a compose profile, repeatable (default: COMPOSE_PROFILES)" }),
    (argv) => runCommand(argv, async () => (await import("../commands/lint.js")).lintCommand(argv)),
  )
  .command(
    "exec <service> [cmd..]",
    "Run a command (default: a shell) in a running service; its flags are its own",
    (y) => service(y).positional("cmd", { type: "string", array: true, default: [] as string[], describe: "Command and its arguments" }),
    (argv) => runCommand(argv, async () => (await import("../commands/exec.js")).exec({ ...argv, cmd: [...argv.cmd, ...rest] })),
  )
  .command(
    "shell <service>",
    "Open a shell (bash, else sh) in a running service",
    (y) => service(y),
    (argv) => runCommand(argv, async () => (await import("../commands/exec.js")).shell(argv)),
  )
  .command(
    "run <service> [cmd..]",
    "Run a one-off container of a service (removed afterwards), e.g. dev run jumpbox bash",
    (y) => service(y).positional("cmd", { type: "string", array: true, default: [] as string[], describe: "Command and its arguments" }),
    (argv) => runCommand(argv, async () => (await import("../commands/exec.js")).run({ ...argv, cmd: [...argv.cmd, ...rest] })),
  )
  .command(
    "psql [args..]",
    "psql in the postgres service, as the stack's user on its database",
    (y) => y.positional("args", { type: "string", array: true, default: [] as string[] }),
    (argv) => runCommand(argv, async () => (await import("../commands/db.js")).psql({ ...argv, args: [...argv.args, ...rest] })),
  )
  .command(
    "redis-cli [args..]",
    "redis-cli in the redis service",
    (y) => y.positional("args", { type: "string", array: true, default: [] as string[] }),
    (argv) => runCommand(argv, async () => (await import("../commands/db.js")).redisCli({ ...argv, args: [...argv.args, ...rest] })),
  )
  .command("db", "Dump or restore the Postgres database", (y) =>
    y
      .command(
        "dump <file>",
        "Write an SQL dump of the database to FILE (a restore replaces what is there)",
        (s) => s.positional("file", { type: "string", demandOption: true }),
        (argv) => runCommand(argv, async () => (await import("../commands/db.js")).dbDump(argv)),
      )
      .command(
        "restore <file>",
        "Run an SQL file (e.g. from dev db dump) against the database, stopping at the first error",
        (s) => s.positional("file", { type: "string", demandOption: true }),
        (argv) => runCommand(argv, async () => (await import("../commands/db.js")).dbRestore(argv)),
      )
      .demandCommand(1, "say what to do: dump FILE or restore FILE"),
  )
  .command(
    "stop [services..]",
    "Stop services (default: all), keeping containers; dev up leaves them stopped until dev start",
    (y) => services(y),
    (argv) => runCommand(argv, async () => (await import("../commands/lifecycle.js")).stop(argv)),
  )
  .command(
    "start [services..]",
    "Start stopped services (default: all) and wait until they are healthy",
    (y) => services(y),
    (argv) => runCommand(argv, async () => (await import("../commands/lifecycle.js")).start(argv)),
  )
  .command(
    "build [services..]",
    "Build images (default: all) with progress; running services are recreated on the new image",
    (y) => services(y),
    (argv) => runCommand(argv, async () => (await import("../commands/lifecycle.js")).build(argv)),
  )
  .command(
    "open [service]",
    "Open a service's route (default: the first), or dev up's dashboard (--ui), in the browser",
    (y) =>
      y
        .positional("service", { type: "string" })
        .option("print", { type: "boolean", default: false, describe: "Only print the URL" })
        .option("https", { type: "boolean", default: false, describe: "The route's HTTPS address (https://localhost:PROXY_HTTPS_PORT/...)" })
        .option("ui", { type: "boolean", default: false, describe: "Open the running dev up's dashboard instead" }),
    (argv) => runCommand(argv, async () => (await import("../commands/open.js")).open(argv)),
  )
  .command("export", "Export the stack for Docker Swarm or Kubernetes (see README: dev export)", (y) =>
    y
      .command(
        "swarm",
        "Write a stack file for docker stack deploy: images, deploy sections, secrets, configs",
        (s) => swarmOptions(s).option("out", { type: "string", describe: "Stack file to write (default deploy/swarm/stack.yaml)" }).option("json", { type: "boolean", default: false }),
        (argv) => runCommand(argv, async () => (await import("../commands/export.js")).exportSwarm(argv)),
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
        (argv) => runCommand(argv, async () => (await import("../commands/export.js")).exportKubernetes(argv)),
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
        (argv) => runCommand(argv, async () => (await import("../commands/deploy-swarm.js")).deploySwarm(argv)),
      )
      .demandCommand(1, "say where to deploy: swarm"),
  )
  .demandCommand(1, "say what to do, e.g. dev up");

await runCli(cli, "dev");
