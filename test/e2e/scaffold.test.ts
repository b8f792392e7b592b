import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  composeCommand, composeFileOf,
  CREATE_STACK, IMAGE_ARGS, cleanupDir, compose, containers, envValue, getUntilOk, leftovers, removeProject, sh, tempDir, uniqueName, waitHealthy,
} from "./support.js";

/**
 * The scaffold is proven with the user's own tools: after create-stack writes the project, only
 * the compose CLI runs it. Nothing of create-stack is involved in `up`, the requests or `down`.
 */
async function scaffold(project: string, extra: string[]): Promise<string> {
  const root = join(await tempDir(), project);
  const res = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS, ...extra]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  return root;
}

async function enqueueTask(root: string): Promise<string> {
  const res = await compose(root, ["exec", "-T", "api", "python", "-c", "from tasks import add; print(add.delay(20, 22).get(timeout=30))"]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.trim();
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("scaffold, then plain compose", () => {
  it("nginx variant: healthy stack, api through the proxy, a task through redis, jumpbox tools, clean down", async () => {
    const project = uniqueName("cs-e2e-nginx");
    const root = await scaffold(project, ["--proxy", "nginx"]);
    cleanups.push(() => removeProject(project), () => cleanupDir(join(root, "..")));

    expect((await stat(join(root, ".env"))).mode & 0o777).toBe(0o600);
    const env = await readFile(join(root, ".env"), "utf8");

    // compose v2 waits for the healthchecks itself (`up --wait`, which v1 does not have): it returns
    // once every container is healthy or running, the start_interval layer's probes included.
    const v2 = (await composeCommand())[0] === "docker";
    const up = await compose(root, ["up", "-d", ...(v2 ? ["--wait"] : [])]);
    expect(up.code, up.stderr).toBe(0);
    if (v2) {
      const at = await containers(project);
      // No polling here: healthy the moment `up --wait` returned (nginx and worker have no healthcheck).
      expect(at.map((c) => `${c.service} ${c.status} ${c.health ?? "-"}`).sort()).toEqual(["api running healthy", "nginx running -", "postgres running healthy", "redis running healthy", "worker running -"]);
    }
    const running = await waitHealthy(project, 5);
    expect(running.map((c) => c.service).sort()).toEqual(["api", "nginx", "postgres", "redis", "worker"]);
    // Container names differ (v1: project_api_1, v2: project-api-1); what create-stack and these
    // tests read is compose's labels, which both set alike.
    const names = (await sh("docker", ["ps", "--format", "{{.Names}}", "--filter", `label=com.docker.compose.project=${project}`])).stdout.split("\n").filter(Boolean).sort();
    expect(names).toEqual(["api", "nginx", "postgres", "redis", "worker"].map((s) => (v2 ? `${project}-${s}-1` : `${project}_${s}_1`)));

    const proxy = `http://127.0.0.1:${envValue(env, "PROXY_PORT")}`;
    const res = await getUntilOk(`${proxy}/api/hello`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ service: "api", path: "/hello" });
    expect((await getUntilOk(`${proxy}/api`)).status).toBe(200);

    expect(await enqueueTask(root)).toBe("42");

    const tools = await compose(root, ["run", "--rm", "-T", "jumpbox", "sh", "-c",
      'psql "$DATABASE_URL" -tAc "select 6*7" && redis-cli -u "$REDIS_URL" ping && curl -sf http://api:8000/health']);
    expect(tools.code, tools.stderr).toBe(0);
    expect(tools.stdout).toMatch(/^42$/m);
    expect(tools.stdout).toMatch(/^PONG$/m);
    expect(tools.stdout).toContain('"status": "ok"');

    const down = await compose(root, ["down", "-v", "--remove-orphans"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it("default stack (traefik): api and worker on postgres and redis; routing labels on the api container", async () => {
    const project = uniqueName("cs-e2e-default");
    const root = await scaffold(project, []);
    cleanups.push(() => removeProject(project), () => cleanupDir(join(root, "..")));
    const env = await readFile(join(root, ".env"), "utf8");
    expect(envValue(env, "COMPOSE_FILE")).toBe(await composeFileOf(["compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "compose.tools.yaml"]));

    // Traefik's image cannot be built offline; everything else of the default stack runs.
    const up = await compose(root, ["up", "-d", "api", "worker", "postgres", "redis"]);
    expect(up.code, up.stderr).toBe(0);
    await waitHealthy(project, 4);

    const res = await getUntilOk(`http://127.0.0.1:${envValue(env, "API_PORT")}/`);
    expect(JSON.parse(res.body)).toMatchObject({ service: "api" });
    expect(await enqueueTask(root)).toBe("42");

    const api = (await containers(project)).find((c) => c.service === "api")!;
    const labels = JSON.parse((await sh("docker", ["inspect", "--format", "{{json .Config.Labels}}", api.id])).stdout);
    expect(labels).toMatchObject({
      "traefik.enable": "true",
      [`traefik.http.routers.${project}-api.rule`]: "PathPrefix(`/api`)",
      [`traefik.http.middlewares.${project}-api-strip.stripprefix.prefixes`]: "/api",
      [`traefik.http.services.${project}-api.loadbalancer.server.port`]: "8000",
      "traefik.docker.network": `${project}_default`,
    });

    const down = await compose(root, ["down", "-v"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(project)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
