import { loadProject } from "../stack/load-project.js";
import { compareRoutes } from "../stack/route.js";
import { readProjectEnv } from "../fs/read-env.js";
import { routeUrls } from "../stack/route-urls.js";

export async function routesCommand(args: { C: string; json: boolean }): Promise<void> {
  const project = loadProject(args.C);
  const env = await readProjectEnv(project.root);
  const routes = project.services
    .filter((s) => s.route)
    .sort((a, b) => compareRoutes(a.route!, b.route!))
    .map((s) => {
      const urls = routeUrls(s.route!, env);
      return { path: s.route!, service: s.name, port: s.port ?? null, url: urls.url ?? null, httpsUrl: urls.httpsUrl ?? null, stripPrefix: s.strip };
    });
  if (args.json) {
    process.stdout.write(JSON.stringify({ proxy: project.parsed.config.presets.find((p) => project.presets.get(p)?.kind === "proxy") ?? null, routes }, null, 2) + "\n");
    return;
  }
  if (routes.length === 0) {
    process.stdout.write("no routes: add one with dev add service NAME --route /path\n");
    return;
  }
  const rows = [["PATH", "SERVICE", "PORT", "URL", "HTTPS"], ...routes.map((r) => [r.path, r.service, String(r.port ?? "-"), r.url ?? "-", r.httpsUrl ?? "-"])];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n") + "\n");
}
