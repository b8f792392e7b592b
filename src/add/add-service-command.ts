import { formatPlan, planToJson } from "../cli/format-plan.js";
import { runCompose } from "../dev/dev-context.js";
import { isStackError } from "../errors/stack-error.js";
import { waitReady } from "../dev/restart-service.js";
import { waitForRoute } from "./wait-route.js";
import { syncProject } from "../plan/sync-project.js";
import { loadProject } from "../stack/load-project.js";
import { planAddService, type AddServiceOptions } from "./plan-add-service.js";
import { reloadProxy, runningStack } from "./running-stack.js";
import { readProjectEnv } from "../fs/read-env.js";
import { lookAtSource } from "./look-at-source.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { proxyRenderer } from "../render/proxy-renderers.js";

export interface AddServiceArgs extends Pick<AddServiceOptions, "name" | "route" | "port" | "template" | "image" | "path" | "dockerfile" | "healthCmd" | "healthHttp"> {
  C: string;
  dependsOn?: string;
  env: string[];
  start: boolean;
  dryRun: boolean;
  json: boolean;
}

export async function addServiceCommand(args: AddServiceArgs): Promise<void> {
  const t0 = performance.now();
  const project = loadProject(args.C);
  const next = planAddService(project, {
    name: args.name,
    route: args.route,
    port: args.port,
    template: args.template,
    image: args.image,
    path: args.path,
    dockerfile: args.dockerfile,
    healthCmd: args.healthCmd,
    healthHttp: args.healthHttp,
    source: lookAtSource(project.root, args.path ?? `services/${args.name}`, args.dockerfile),
    dependsOn: args.dependsOn?.split(",").map((s) => s.trim()).filter(Boolean),
    env: args.env,
  });
  const { plan, written } = await syncProject(next, { stackText: next.stackText, dryRun: args.dryRun });
  const out = (line: string) => !args.json && process.stdout.write(line + "\n");
  out(formatPlan(plan));
  if (args.dryRun) {
    if (args.json) process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
    out("dry run: nothing was written");
    return;
  }

  const live: Record<string, unknown> = {};
  const ctx = args.start ? await runningStack(next) : undefined;
  if (ctx) {
    out(`starting ${args.name} (the other services keep running)...`);
    const tStart = performance.now();
    await runCompose(ctx, ["up", "-d", "--no-deps", "--build", args.name], `starting ${args.name}`).catch(async (err) => {
      // A running `dev up` saw the stack.yaml change and created the container at the same time:
      // one more `up` finds it there.
      if (!isStackError(err) || !err.details.some((l) => /already in use by container/.test(l))) throw err;
      await runCompose(ctx, ["up", "-d", "--no-deps", args.name], `starting ${args.name}`);
    });
    const [container] = await ctx.engine.listContainers(ctx.name, { service: args.name });
    const svc = next.services.find((s) => s.name === args.name)!;
    if (container) await waitReady(ctx, svc, container, await readProjectEnv(next.root));
    live.serviceStartSeconds = (performance.now() - tStart) / 1000;
    const proxy = proxyPresetOf(next.parsed.config.presets, next.presets);
    live.proxyReloaded = (await reloadProxy(ctx)) !== undefined;
    const proxyPort = proxy && (await readProjectEnv(next.root)).get(proxy.proxy!.port_env);
    if (args.route && proxyPort) {
      const url = `http://127.0.0.1:${proxyPort}${args.route === "/" ? "" : args.route}/`;
      live.url = url;
      const proxyNamesService = live.proxyReloaded === true && proxyRenderer(proxy).namesService;
      live.routeAnswered = await waitForRoute(url, args.name, { timeoutMs: 60_000, proxyNamesService });
      live.routeSeconds = (performance.now() - t0) / 1000;
      out(
        live.routeAnswered
          ? `${args.name} answers at ${url} ${fmt(live.routeSeconds as number)} after the command started (its own start: ${fmt(live.serviceStartSeconds as number)})`
          : `${args.name} started, but ${url} did not answer within 60 s: check dev logs ${args.name}`,
      );
    } else out(`${args.name} started in ${fmt(live.serviceStartSeconds as number)}`);
  } else if (!args.json) {
    out(args.start ? "the stack is not running: dev up starts everything" : "not started (--no-start): dev up starts it");
  }
  if (args.json) process.stdout.write(JSON.stringify({ ...planToJson(plan, written), live }, null, 2) + "\n");
}

const fmt = (s: number) => `${s.toFixed(2)} s`;
