// A stand-in for dev up's dashboard server: the page from ui/ as shipped, and its push channel
// speaking the same protocol (a snapshot on connect, then whatever `send` pushes), fed with made-up
// services. For the page's own tests and benchmark with more services than this machine can run.
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const UI = fileURLToPath(new URL("../../ui/", import.meta.url));

/** Service i of many as the status model gives it; `tick` changes its health and restart count. */
export function manyService(i, tick = 0) {
  return {
    service: `svc-${String(i).padStart(3, "0")}`,
    state: "running",
    health: tick % 2 ? "starting" : "healthy",
    url: `http://127.0.0.1:8080/svc-${i}`,
    ports: [`127.0.0.1:${20000 + i}->8000`],
    restarts: tick,
    startedAt: new Date(Date.now() - 1000 * i).toISOString(),
    uptimeSeconds: i,
    kind: i % 10 === 0 ? "addon" : "service",
    group: `group-${i % 7}`,
    waitingFor: i % 13 === 0 ? ["postgres"] : [],
    onRequest: false,
  };
}

/** Serves ui/ (and an empty page at /blank) and `count` services on /events; call `listen()` first. */
export function dashboardStandIn({ project, count }) {
  const clients = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/blank") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<!doctype html><title>blank</title><p>blank</p>");
    }
    if (path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const snapshot = { project, services: Array.from({ length: count }, (_, i) => manyService(i)), events: [], busy: {} };
      res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const file = path === "/" ? "dashboard.html" : path.slice(1);
    if (file.includes("..") || !existsSync(join(UI, file))) {
      res.writeHead(404);
      return res.end();
    }
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
    res.end(readFileSync(join(UI, file)));
  });
  return {
    server,
    /** Pushes one event to every connected page. */
    send(event, data) {
      const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const c of clients) c.write(text);
    },
    /** Listens on a free loopback port; resolves to the page's URL. */
    listen() {
      return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}/`)));
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
