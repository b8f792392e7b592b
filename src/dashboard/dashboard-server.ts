import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { DevContext } from "../dev/dev-context.js";
import type { DevEventRecord } from "../dev/dev-events.js";
import type { ContainerInfo } from "../engine/engine.js";
import { reportError } from "../errors/report-error.js";
import { UI_DIR } from "../fs/package-paths.js";
import { allocateFreePort } from "../plan/resolve-env.js";
import { guardRequest, tokenCookie, tokenMatches } from "./request-guard.js";
import { LiveStatus } from "./live-status.js";
import { LogTail } from "./log-tail.js";
import { runAction, type ServiceAction, SERVICE_ACTIONS } from "./run-action.js";

export interface Dashboard {
  /** The URL with the token: opening it logs the browser in (cookie) and lands on the page. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** The project as dev up now has it (stack.yaml may change while it runs). */
  ctx: () => DevContext;
  events: DevEventRecord;
  /** Port tried first; the next free one above it otherwise. */
  preferredPort?: number;
}

const ASSETS: Record<string, string> = { "/dashboard.js": "text/javascript", "/service-rows.js": "text/javascript", "/dashboard.css": "text/css" };
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/**
 * dev up's dashboard: a page, a push channel (server-sent events: one snapshot, then deltas and
 * log batches) and the service actions, on 127.0.0.1 only. See request-guard.ts for what each
 * request must show.
 */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const token = randomBytes(24).toString("base64url");
  const logs = new LogTail({ engine: opts.ctx().engine });
  // Logs are followed only while a page is open: a stream per container costs the engine and
  // dev up something for every line, and a stack of 40 services writes many; a page that opens
  // gets each container's last lines, one that opens again what came since.
  let latest: ContainerInfo[] = [];
  const live = new LiveStatus(opts.ctx, opts.events, (containers) => {
    latest = containers;
    if (clients.size) logs.update(containers);
  });
  const busy = new Map<string, ServiceAction>();
  const clients = new Set<ServerResponse>();
  const send = (event: string, data: unknown) => {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(text);
  };
  live.subscribe((d) => send("delta", d));
  logs.subscribe((b) => send("logs", b));

  let port = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const deny = (status: number, reason: string) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS });
      res.end(reason + "\n");
    };
    const isPage = req.method === "GET" && (url.pathname === "/" || url.pathname in ASSETS);
    const verdict = guardRequest({ method: req.method ?? "GET", headers: req.headers }, port, token, {
      needsToken: !isPage,
      changesState: req.method !== "GET" && req.method !== "HEAD",
    });
    if (!verdict.ok) return deny(verdict.status, verdict.reason);

    if (req.method === "GET" && url.pathname === "/") {
      const given = url.searchParams.get("token");
      if (given !== null) {
        if (!tokenMatches(given, token)) return deny(401, "wrong token: open the URL dev up printed (or dev open --ui)");
        // The token leaves the address bar (and the history) at once; the cookie carries it on.
        res.writeHead(303, { location: "/", "set-cookie": `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`, ...SECURITY_HEADERS });
        return res.end();
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS });
      return res.end(await readFile(join(UI_DIR, "dashboard.html")));
    }
    if (req.method === "GET" && url.pathname in ASSETS) {
      res.writeHead(200, { "content-type": `${ASSETS[url.pathname]}; charset=utf-8`, ...SECURITY_HEADERS });
      return res.end(await readFile(join(UI_DIR, url.pathname.slice(1))));
    }
    if (req.method === "GET" && url.pathname === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", connection: "keep-alive", ...SECURITY_HEADERS });
      res.write(`retry: 1000\nevent: snapshot\ndata: ${JSON.stringify({ ...live.snapshot(), busy: Object.fromEntries(busy) })}\n\n`);
      res.write(`event: logs\ndata: ${JSON.stringify({ lines: logs.history(), dropped: 0 })}\n\n`);
      clients.add(res);
      logs.update(latest);
      req.on("close", () => {
        clients.delete(res);
        if (clients.size === 0) logs.pause();
      });
      return;
    }
    if (req.method === "POST" && url.pathname === "/actions") {
      const body = await readBody(req, 4096);
      let action: { service?: unknown; action?: unknown };
      try {
        action = JSON.parse(body) as typeof action;
      } catch {
        return deny(400, "expected JSON: {\"service\": NAME, \"action\": restart|rebuild|stop|start}");
      }
      const service = String(action.service ?? "");
      const what = String(action.action ?? "") as ServiceAction;
      if (!SERVICE_ACTIONS.includes(what)) return deny(400, `unknown action ${what} (one of ${SERVICE_ACTIONS.join(", ")})`);
      if (!live.snapshot().services.some((s) => s.service === service)) return deny(404, `no service ${service} in this stack`);
      const running = busy.get(service);
      if (running) return json(res, 409, { ok: false, message: `${service}: ${running} still in progress` });
      busy.set(service, what);
      send("action", { service, action: what, state: "running" });
      const started = performance.now();
      let outcome: { ok: boolean; message: string };
      try {
        outcome = { ok: true, message: await runAction(opts.ctx(), service, what) };
      } catch (err) {
        outcome = { ok: false, message: reportError(err).text };
      } finally {
        busy.delete(service);
      }
      const result = { service, action: what, state: outcome.ok ? "done" : "failed", message: outcome.message, seconds: (performance.now() - started) / 1000 };
      send("action", result);
      void live.refresh();
      return json(res, outcome.ok ? 200 : 500, result);
    }
    deny(404, "not found");
  };

  port = await allocateFreePort(opts.preferredPort ?? 7300, new Set());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  await live.start();
  // A comment now and then: proxies and the browser keep the channel; an idle page costs nothing else.
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(": keep-alive\n\n");
  }, 20_000);
  keepAlive.unref();
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      clearInterval(keepAlive);
      live.close();
      logs.close();
      for (const res of clients) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { "content-type": "application/json", ...SECURITY_HEADERS });
  res.end(JSON.stringify(data));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > limit) throw new Error("request too large");
  }
  return body;
}
