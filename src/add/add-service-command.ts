import { formatPlan, planToJson } from "../cli/format-plan.js";
import { runCompose } from "../dev/dev-context.js";
import { waitForRoute } from "./wait-route.js";
import { syncProject, withLockedProject } from "../plan/sync-project.js";
import { planAddService, type AddServiceOptions } from "./plan-add-service.js";
import { reloadNginx, runningStack } from "./running-stack.js";
import { readProjectEnv } from "../fs/read-env.js";

export interface AddServiceArgs extends Pick<AddServiceOptions, "name" | "route" | "port" | "template" | "image" | "path"> {
  C: string;
  dependsOn?: string;
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
      dependsOn: args.dependsOn?.split(",").map((s) => s.trim()).filter(Boolean),
      env: args.env,
    });
    const { plan, written } = await syncProject(next, { stackText: next.stackText, stackBase: project.parsed.text, dryRun: args.dryRun });
    out(formatPlan(plan));
    if (args.dryRun) return { plan, written, ctx: undefined };
    const ctx = args.start ? await runningStack(next) : undefined;
    if (ctx) {
      out(`starting ${args.name} (the other services keep running)...`);
      const tStart = performance.now();
      await runCompose(ctx, ["up", "-d", "--no-deps", "--build", args.name], `starting ${args.name}`);
      const [container] = await ctx.engine.listContainers(ctx.name, { service: args.name });
      if (container) await ctx.engine.waitHealthy(container.id, { timeoutMs: 180_000 });
      live.serviceStartSeconds = (performance.now() - tStart) / 1000;
      live.nginxReloaded = await reloadNginx(ctx);
    }
    return { plan, written, ctx };
  });
  if (args.dryRun) {
    if (args.json) process.stdout.write(JSON.stringify(planToJson(plan, written), null, 2) + "\n");
    out("dry run: nothing was written");
    return;
  }

  if (ctx) {
    const proxyPort = (await readProjectEnv(ctx.project.root)).get("PROXY_PORT");
    if (args.route && proxyPort) {
      const url = `http://127.0.0.1:${proxyPort}${args.route}/`;
      live.url = url;
      live.routeAnswered = await waitForRoute(url, args.name, { timeoutMs: 60_000, proxyNamesService: live.nginxReloaded === true });
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
