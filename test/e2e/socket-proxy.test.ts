import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compose, containers, CREATE_STACK, IMAGE_ARGS, sh, tempDir, uniqueName } from "./support.js";

const PYTHON = `${process.env.TEST_IMAGE_PREFIX ?? "create-stack-test"}/python:latest`;

/**
 * Runs inside a container on the project's network, beside Traefik's place: every request goes to
 * socket-proxy:2375, and the same /_ping straight to the socket, to price the extra hop.
 */
const PROBE = String.raw`
import http.client, json, socket, sys, time

class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=10)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect("/var/run/docker.sock")

def call(method, path, direct=False):
    conn = UnixConnection() if direct else http.client.HTTPConnection("socket-proxy", 2375, timeout=10)
    conn.request(method, path, body=b"{}" if method == "POST" else None, headers={"Content-Type": "application/json"})
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body

deadline = time.time() + 60
while True:
    try:
        if call("GET", "/_ping")[0] == 200:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("socket-proxy never answered")
    time.sleep(0.2)

target = sys.argv[1]
other = sys.argv[2]
own = sys.argv[3]
now = int(time.time())
cases = [
    ("GET", "/_ping"), ("GET", "/version"), ("GET", "/v1.41/version"), ("GET", "/containers/json"),
    ("GET", "/v1.41/containers/json?all=1"), ("GET", "/containers/" + target + "/json"), ("GET", "/networks"),
    ("GET", "/events?since=%d&until=%d" % (now - 5, now)),
    ("POST", "/containers/create"), ("POST", "/v1.41/containers/create?name=x"), ("POST", "/containers/" + target + "/exec"),
    ("POST", "/containers/" + target + "/kill"), ("POST", "/containers/" + target + "/stop"), ("DELETE", "/containers/" + target),
    ("PUT", "/containers/" + target + "/archive"), ("POST", "/containers/json"), ("GET", "/containers/" + target + "/logs"),
    ("GET", "/images/json"), ("POST", "/images/create"), ("GET", "/containers/json/../../images/json"), ("POST", "/build"),
    ("GET", "/secrets"), ("POST", "/volumes/create"),
    # nginx checks the decoded path: encoded slashes and dots must not reach the engine raw.
    ("GET", "/containers/" + target + "/archive%2F..%2Fjson"), ("GET", "/containers/" + target + "/logs%2F..%2Fjson"),
    ("GET", "/v1.41/containers/json/%2E%2E/%2E%2E/images/json"), ("GET", "/containers//" + target + "/json"),
    # Another project's container, and this project's own: the API Traefik reads answers only for
    # this project's containers, and never with an environment.
    ("GET", "/containers/" + other + "/json"), ("GET", "/v1.24/containers/" + other + "/json"), ("GET", "/v1.24/containers/json?all=1"),
    ("GET", "/v1.24/containers/" + own + "/json"), ("GET", "/v1.24/version"), ("GET", "/v1.24/networks"),
]
out = {}
for method, path in cases:
    status, body = call(method, path)
    out[method + " " + path] = {"status": status, "body": body[:1000000].decode("utf-8", "replace")}

def median_ms(direct):
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        call("GET", "/_ping", direct)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]

out["latency"] = {"proxied": median_ms(False), "direct": median_ms(True)}
print(json.dumps(out))
`;

describe("the Traefik preset's Docker socket proxy (real nginx, real engine)", () => {
  const name = uniqueName("sockproxy");
  let dir: string;
  let proxyId: string;
  const other = `${name}-other-project`;
  const own = `${name}-own-service`;
  const OTHER_SECRET = "OTHER_PROJECT_SECRET=leaked-if-seen-4242";
  const OWN_SECRET = "OWN_SECRET=leaked-if-seen-4343";
  let results: Record<string, { status: number; body: string }> & { latency?: { proxied: number; direct: number } };

  beforeAll(async () => {
    dir = join(await tempDir(), name);
    const created = await sh("node", [CREATE_STACK, dir, "--yes", "--name", name, "--preset", "python-http", "--proxy", "traefik", ...IMAGE_ARGS]);
    expect(created.code, created.stderr).toBe(0);
    // Traefik itself is not available here: start only the proxy it would talk to.
    const up = await compose(dir, ["up", "-d", "--no-deps", "socket-proxy"], 180_000);
    expect(up.code, up.stderr).toBe(0);
    const proxy = (await containers(name)).find((c) => c.service === "socket-proxy");
    expect(proxy?.status).toBe("running");
    proxyId = proxy!.id;
    // A container of another project on the same engine, and one of this project's, each with a secret in its environment.
    const started = await Promise.all([
      sh("docker", ["run", "-d", "--name", other, "--label", "com.docker.compose.project=another-project", "-e", OTHER_SECRET, PYTHON, "sleep", "600"]),
      sh("docker", ["run", "-d", "--name", own, "--network", `${name}_default`, "--label", `com.docker.compose.project=${name}`, "-e", OWN_SECRET, PYTHON, "sleep", "600"]),
    ]);
    for (const s of started) expect(s.code, s.stderr).toBe(0);
    const probe = await sh("docker", [
      "run", "--rm", "--network", `${name}_default`,
      "-v", "/var/run/docker.sock:/var/run/docker.sock", PYTHON, "python3", "-c", PROBE, proxyId, other, own,
    ], { timeoutMs: 180_000 });
    expect(probe.code, probe.stderr).toBe(0);
    results = JSON.parse(probe.stdout);
  });

  afterAll(async () => {
    await sh("docker", ["rm", "-f", other, own]);
    if (dir) {
      await compose(dir, ["down", "-v", "--remove-orphans"], 120_000);
      await rm(join(dir, ".."), { recursive: true, force: true });
    }
  });

  it("Traefik is wired to the proxy, and nothing mounts the socket but the proxy", async () => {
    const layer = await readFile(join(dir, "compose.proxy.yaml"), "utf8");
    expect(layer).toContain("--providers.docker.endpoint=tcp://socket-proxy:2375");
    const mounts = layer.split("\n").filter((l) => l.includes("/var/run/docker.sock"));
    expect(mounts).toEqual(["      - /var/run/docker.sock:/var/run/docker.sock:ro"]);
    expect(layer).toMatch(/socket-proxy:\n\s+image: create-stack-test\/nginx:latest/);
    // Not published on the host: only containers on the project's network reach it.
    expect(layer.slice(layer.indexOf("  socket-proxy:"))).not.toMatch(/ports:/);
  });

  it("passes the read endpoints Traefik's docker provider uses", () => {
    for (const key of ["GET /_ping", "GET /version", "GET /v1.41/version", "GET /containers/json", "GET /v1.41/containers/json?all=1", `GET /containers/${proxyId}/json`, "GET /networks"]) {
      expect((results[key] as { status?: number } | undefined)?.status, key).toBe(200);
    }
    const listed = JSON.parse(results["GET /containers/json"]!.body) as { Id: string }[];
    expect(listed.map((c) => c.Id)).toContain(proxyId);
    expect(JSON.parse(results[`GET /containers/${proxyId}/json`]!.body).Id).toBe(proxyId);
    expect((Object.entries(results).find(([k]) => k.startsWith("GET /events"))?.[1] as { status?: number } | undefined)?.status).toBe(200);
  });

  it("refuses every write and every endpoint outside the list, and the engine is untouched", async () => {
    const allowed = /^GET \/(v1\.(41|24)\/)?(_ping|version|containers\/json|networks|events|containers\/[0-9a-z-]+\/json)(\?.*)?$/;
    const refused = Object.entries(results).filter(([k]) => k !== "latency" && !allowed.test(k));
    expect(refused.map(([k]) => k)).toContain("GET /containers/json/../../images/json");
    expect(refused.map(([k]) => k)).toContain(`GET /containers/${proxyId}/archive%2F..%2Fjson`);
    expect(refused.length).toBe(19);
    for (const [key, res] of refused) expect((res as { status?: number }).status, key).toBe(403);
    // The kill, stop and delete above never reached the engine.
    const proxy = (await containers(name)).find((c) => c.id === proxyId);
    expect(proxy?.status).toBe("running");
    // The project's compose services: only the proxy (the test's own labelled container has no service).
    expect((await containers(name)).map((c) => c.service).filter(Boolean)).toEqual(["socket-proxy"]);
    const named = await sh("docker", ["ps", "-aq", "--filter", "name=^/x$"]);
    expect(named.stdout.trim(), "POST /containers/create?name=x created a container").toBe("");
  });

  it("encoded slashes and dots, dot segments and doubled slashes are refused, not forwarded raw to the engine", () => {
    for (const key of [`GET /containers/${proxyId}/archive%2F..%2Fjson`, `GET /containers/${proxyId}/logs%2F..%2Fjson`, "GET /v1.41/containers/json/%2E%2E/%2E%2E/images/json", `GET /containers//${proxyId}/json`]) {
      expect(results[key]!.status, key).toBe(403);
      expect(results[key]!.body, key).toMatch(/^refused by the docker socket proxy/);
    }
  });

  it("another project's containers are not there for it: not listed, not inspected, their environment never answered", () => {
    for (const key of [`GET /containers/${other}/json`, `GET /v1.24/containers/${other}/json`]) {
      expect(results[key]!.status, key).toBe(404);
      expect(results[key]!.body, key).not.toContain("leaked-if-seen");
    }
    const listed = JSON.parse(results["GET /v1.24/containers/json?all=1"]!.body) as { Id: string; Names: string[]; Labels: Record<string, string> }[];
    expect(listed.map((c) => c.Id)).toContain(proxyId);
    expect(listed.map((c) => c.Names[0])).toContain(`/${own}`);
    expect(listed.map((c) => c.Names[0])).not.toContain(`/${other}`);
    expect(listed).toHaveLength(2);
    for (const c of listed) expect(c.Labels["com.docker.compose.project"]).toBe(name);
    for (const [key, res] of Object.entries(results)) if (key !== "latency") expect((res as { body: string }).body, key).not.toContain("leaked-if-seen");
  });

  it("the answers Traefik's docker provider reads are all there: version, list, inspect with labels, state and the project's network, networks, events", () => {
    expect(results["GET /v1.24/version"]!.status).toBe(200);
    expect(JSON.parse(results["GET /v1.24/version"]!.body).ApiVersion).toMatch(/^1\.\d+$/);
    const inspected = JSON.parse(results[`GET /v1.24/containers/${own}/json`]!.body);
    expect(results[`GET /v1.24/containers/${own}/json`]!.status).toBe(200);
    expect(inspected.Name).toBe(`/${own}`);
    expect(inspected.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(inspected.State.Status).toBe("running");
    expect(inspected.Config.Labels["com.docker.compose.project"]).toBe(name);
    expect(inspected.HostConfig.NetworkMode).toBe(`${name}_default`);
    expect(inspected.NetworkSettings.Networks[`${name}_default`].IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(inspected.Config.Env).toBeUndefined();
    expect(JSON.stringify(inspected)).not.toContain("leaked-if-seen");
    expect(results["GET /v1.24/networks"]!.status).toBe(200);
  });

  it("its second server answers only the restarting page Traefik's errors middleware asks for: no API on that port", async () => {
    const script = String.raw`
import http.client, json
def get(path, accept=None, method="GET"):
    c = http.client.HTTPConnection("socket-proxy", 8080, timeout=10)
    c.request(method, path, headers={"Accept": accept} if accept else {})
    r = c.getresponse()
    return {"status": r.status, "headers": {k.lower(): v for k, v in r.getheaders()}, "body": r.read().decode()}
print(json.dumps({
    "page": get("/.well-known/create-stack/restarting/api", "text/html,application/xhtml+xml"),
    "api": get("/.well-known/create-stack/restarting/api"),
    "ping": get("/_ping"), "containers": get("/v1.41/containers/json"), "create": get("/containers/create", None, "POST"),
}))
`;
    const probe = await sh("docker", ["run", "--rm", "--network", `${name}_default`, PYTHON, "python3", "-c", script], { timeoutMs: 120_000 });
    expect(probe.code, probe.stderr).toBe(0);
    const got = JSON.parse(probe.stdout) as Record<string, { status: number; headers: Record<string, string>; body: string }>;
    expect(got.page!.status).toBe(503);
    expect(got.page!.headers["content-type"]).toMatch(/text\/html/);
    expect(got.page!.headers["retry-after"]).toBe("1");
    expect(got.page!.body).toContain('<meta http-equiv="refresh" content="1">');
    expect(got.page!.body).toContain("restarting api");
    expect(got.api!.status).toBe(503);
    expect(got.api!.headers["retry-after"]).toBe("1");
    expect(JSON.parse(got.api!.body)).toEqual({ error: "api is restarting", retry_after: 1 });
    for (const k of ["ping", "containers", "create"]) {
      expect(got[k]!.status, k).toBe(404);
      expect(got[k]!.body, k).not.toMatch(/ApiVersion|"Id"|OK/);
    }
  });

  it("what it costs: one small container, about a millisecond per API call", async () => {
    const stats = await sh("docker", ["stats", "--no-stream", "--format", "{{.MemUsage}}", proxyId]);
    const latency = results.latency!;
    console.log(`socket proxy: memory ${stats.stdout.trim()}; GET /_ping median ${latency.proxied.toFixed(2)} ms proxied vs ${latency.direct.toFixed(2)} ms direct`);
    expect(stats.code).toBe(0);
    const mib = /^([\d.]+)(KiB|MiB|GiB)/.exec(stats.stdout.trim());
    expect(mib).not.toBeNull();
    const inMiB = Number(mib![1]) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 } as const)[mib![2] as "KiB" | "MiB" | "GiB"];
    expect(inMiB).toBeLessThan(64);
    expect(latency.proxied).toBeGreaterThan(0);
  });
});
