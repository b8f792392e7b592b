import { spawn } from "node:child_process";
import { StackError } from "../errors/stack-error.js";
import { readProjectEnv } from "../fs/read-env.js";
import { compareRoutes } from "../stack/route.js";
import { routeUrls } from "../stack/route-urls.js";
import { connectDev } from "../dev/dev-context.js";
import { assertKnownServices } from "../dev/service-names.js";
import { loadProject } from "../stack/load-project.js";
import { findStackRoot } from "../stack/find-stack.js";
import { readDashboard } from "../dashboard/dashboard-record.js";

/** The opener of the desktop this runs on; none on a headless machine. */
function opener(): string[] | undefined {
  if (process.platform === "darwin") return ["open"];
  if (process.platform === "win32") return ["cmd", "/c", "start", '""'];
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.env.BROWSER ? [process.env.BROWSER || "xdg-open"] : undefined;
}

/** `dev open [SERVICE]`: the service's route through the proxy (default: the first route) in the browser; `--https` over HTTPS. */
export async function open(args: { C: string; service?: string; print: boolean; ui?: boolean; https?: boolean }): Promise<void> {
  if (args.ui) return openDashboard(findStackRoot(args.C), args.print);
  const ctx = connectDev(loadProject(args.C));
  // A name the stack does not have is a typo, whether or not the engine answers.
  if (args.service) assertKnownServices(ctx, [args.service]);
  await ctx.engine.ping();
  const routed = ctx.project.services.filter((s) => s.route).sort((a, b) => compareRoutes(a.route!, b.route!));
  const svc = args.service ? routed.find((s) => s.name === args.service) : routed[0];
  if (!svc) {
    const which = args.service ? `${args.service} has no route` : "no service has a route";
    throw new StackError({ code: "E_NO_ROUTE", message: which, hint: routed.length ? `routed: ${routed.map((s) => s.name).join(", ")}` : "give one a route in stack.yaml, or: dev add service NAME --route /path" });
  }
  const urls = routeUrls(svc.route!, await readProjectEnv(ctx.project.root), true);
  const url = args.https ? urls.httpsUrl : urls.url;
  if (!url) {
    const key = args.https ? "PROXY_HTTPS_PORT" : "PROXY_PORT";
    throw new StackError({ code: "E_NO_PROXY", message: `this stack has no ${key} in .env`, hint: urls.url || urls.httpsUrl ? `open the other scheme: dev open ${svc.name}${args.https ? "" : " --https"}` : "add a proxy: dev add preset nginx (or caddy, traefik); dev up then picks its ports" });
  }
  if (args.print) {
    process.stdout.write(url + "\n");
    return;
  }
  openInBrowser(url);
  if (!(await ctx.engine.listContainers(ctx.name, { service: svc.name })).length) process.stdout.write(`note: ${svc.name} is not running (dev up)\n`);
}

function openInBrowser(url: string): void {
  const cmd = opener();
  if (cmd) {
    const child = spawn(cmd[0]!, [...cmd.slice(1), url], { stdio: "ignore", detached: true });
    child.on("error", () => process.stdout.write(`open ${url} in your browser\n`));
    child.unref();
  }
  process.stdout.write(`${url}${cmd ? "" : "  (no browser here: open it yourself)"}\n`);
}

/** `dev open --ui`: the dashboard of the dev up running for this project. */
async function openDashboard(root: string, print: boolean): Promise<void> {
  const url = await readDashboard(root);
  if (!url) throw new StackError({ code: "E_NO_DASHBOARD", message: "no dashboard: dev up is not running for this project (or runs with --no-ui)", hint: "start it with: dev up" });
  if (print) process.stdout.write(url + "\n");
  else openInBrowser(url);
}
