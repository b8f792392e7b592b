import { formatPlan, planToJson } from "./format-plan.js";
import { runCompose } from "../dev/dev-context.js";
import { buildImages } from "../dev/build-images.js";
import { upOnFreePorts } from "../dev/move-taken-ports.js";
import { waitReady } from "../dev/restart/restart-service.js";
import { routeServedBy, waitFor } from "../wait/index.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";
import { planAddService, type AddServiceOptions } from "../edit/plan-add-service.js";
import { reloadProxy, runningStack } from "../edit/running-stack.js";
import { readProjectEnv } from "../fs/read-env.js";
import { lookAtSource } from "../edit/look-at-source.js";
import { proxyPresetOf } from "../presets/stack-proxy.js";
import { routeUrls } from "../stack/route-urls.js";
import { proxyRenderer } from "../render/proxy-renderers.js";

/** How long `dev add service` waits for its route to be served through the proxy. */
const ROUTE_BOUND_MS = 60_000;

export interface AddServiceArgs extends Pick<AddServiceOptions, "name" | "route" | "port" | "template" | "image" | "path" | "dockerfile" | "healthCmd" | "healthHttp"> {
  C: string;
  dependsOn?: string[];
  env: string[];
  start: boolean;
  dryRun: boolean;
  json: boolean;
}

export async function addServiceCommand(args: AddServiceArgs): Promise<void> {
  const t0 = performance.now();
  const out = (line: string) => !args.json && process.stdout.write(line + "\n");
  const live: Record<string, unknown> = {};
  // The lock is held until the new service is started: a watching `dev up` applies the new
  // stack.yaml after that, and compose finds the service up to date instead of starting it twice.
  const { plan, written, ctx } = await withLockedProject(args.C, `dev add service ${args.name}`, args, async (project) => {
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
      dependsOn: args.dependsOn,
      env: args.env,
    });
    const { plan, written } = await syncProject(next, { stackText: next.stackText, stackBase: project.parsed.text, dryRun: args.dryRun });
    out(formatPlan(plan));
    const ownNginx = next.parsed.config.proxy?.kind === "nginx" ? next.parsed.config.proxy : undefined;
    const added = next.services.find((s) => s.name === args.name);
    if (ownNginx && added?.route && added.port !== undefined) {
      // Their nginx config is theirs: we say what to add rather than write it.
      out(nginxLocationToAdd(ownNginx.config ?? "your nginx config", added.name, added.route, added.port, added.strip));
    }
    if (args.dryRun) return { plan, written, ctx: undefined };
    const ctx = args.start ? await runningStack(next) : undefined;
    if (ctx) {
      out(`starting ${args.name} (the other services keep running)...`);
      const tStart = performance.now();
      await buildImages(ctx, [args.name], { what: `building ${args.name}` });
      await upOnFreePorts(ctx, args.name, out);
      const [container] = await ctx.engine.listContainers(ctx.name, { service: args.name });
      const svc = next.services.find((s) => s.name === args.name)!;
      if (container) await waitReady(ctx, svc, container, await readProjectEnv(next.root));
      live.serviceStartSeconds = (performance.now() - tStart) / 1000;
      live.proxyReloaded = (await reloadProxy(ctx)) !== undefined;
    }
    return { plan, written, ctx };
  });
  if (args.dryRun) {
    if (args.json) process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
    out("dry run: nothing was written");
    return;
  }

  if (ctx) {
    const proxy = proxyPresetOf(ctx.project.parsed.config.presets, ctx.project.presets);
    const env = proxy ? await readProjectEnv(ctx.project.root) : new Map<string, string>();
    const { url, httpsUrl } = args.route ? routeUrls(args.route, env, true) : {};
    if (proxy && args.route && url) {
      live.url = url;
      if (httpsUrl) live.httpsUrl = httpsUrl;
      const proxyNamesService = live.proxyReloaded === true && proxyRenderer(proxy).namesService;
      live.routeAnswered = await waitFor(routeServedBy(url, args.name, { proxyNamesService }), { timeoutMs: ROUTE_BOUND_MS }).catch(() => false);
      live.routeSeconds = (performance.now() - t0) / 1000;
      out(
        live.routeAnswered
          ? `${args.name} answers at ${url} ${fmt(live.routeSeconds as number)} after the command started (its own start: ${fmt(live.serviceStartSeconds as number)})`
          : `${args.name} started, but ${url} did not answer within ${ROUTE_BOUND_MS / 1000} s: check dev logs ${args.name}`,
      );
      if (live.routeAnswered && httpsUrl) out(`  over HTTPS: ${httpsUrl}`);
    } else out(`${args.name} started in ${fmt(live.serviceStartSeconds as number)}`);
  } else if (!args.json) {
    out(args.start ? "the stack is not running: dev up starts everything" : "not started (--no-start): dev up starts it");
  }
  if (args.json) process.stdout.write(JSON.stringify({ ...planToJson(plan, written), live }, null, 2) + "\n");
}

const fmt = (s: number) => `${s.toFixed(2)} s`;

/** The lines to add to an adopted project's own nginx config for a routed service of ours. */
export function nginxLocationToAdd(config: string, name: string, route: string, port: number, strip: boolean): string {
  const prefix = route.endsWith("/") ? route : `${route}/`;
  const target = strip && route !== "/" ? `http://${name}:${port}/` : `http://${name}:${port}`;
  return [
    `your nginx config is yours: to route ${route} to ${name}, add inside the server block of ${config}, then reload nginx:`,
    `    location ${prefix} {`,
    `        proxy_pass ${target};`,
    "        proxy_set_header Host $host;",
    "    }",
  ].join("\n");
}
