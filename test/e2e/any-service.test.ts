import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, removeProject, sh, tempDir, testImage, uniqueName } from "./support.js";

/**
 * A team's existing Node service, with its own Dockerfile and server.js, joins a running stack at
 * `/` beside the Python api at /api: built as it is, routed, then edited and rebuilt by `dev up`.
 */
const project = uniqueName("cs-e2e-any");
let root = "";
let dev: DevProcess;
let proxy = "";

const serverJs = (version: number, port = 3000) => `const http = require("http");
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ service: "web", version: ${version}, path: req.url }));
}).listen(${port}, () => console.log("web on ${port}"));
process.on("SIGTERM", () => process.exit(0));
`;
// The team's own Dockerfile: its own base, workdir and layout; no build argument, no healthcheck.
const dockerfile = `FROM ${testImage("node")}
WORKDIR /srv/web
COPY . .
EXPOSE 3000
CMD ["node", "server.js"]
`;

const list = async (dir: string) => (await readdir(dir)).sort();

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http", "--name", project, "--health-interval", "1s", ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  for (const [name, port] of [["web", 3000], ["wrong", 3001]] as const) {
    await mkdir(join(root, "services", name), { recursive: true });
    await writeFile(join(root, "services", name, "Dockerfile"), dockerfile);
    await writeFile(join(root, "services", name, "server.js"), serverJs(1, port));
  }
  await mkdir(join(root, "services", "notes"));
  await writeFile(join(root, "services", "notes", "README.md"), "no Dockerfile here\n");
  dev = new DevProcess(root, ["up"]);
  await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
  proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
});

afterAll(async () => {
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("a service with its own Dockerfile", () => {
  it("is added live at / beside /api, built as it is, with nothing written into its folder", async () => {
    const before = await list(join(root, "services", "web"));
    const res = await sh("node", [DEV, "add", "service", "web", "--route", "/", "--path", "services/web", "--health-http", "/"], { cwd: root });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/web answers at http:\/\/127\.0\.0\.1:\d+\/ /);
    expect(await list(join(root, "services", "web"))).toEqual(before);
    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    expect(stack).toMatch(/ {2}web:\n {4}build: services\/web\n {4}port: 3000\n {4}route: \/\n/);
    const compose = await readFile(join(root, "compose.yaml"), "utf8");
    expect(compose.slice(compose.indexOf("  web:"))).not.toMatch(/BASE_IMAGE/);

    const rootPage = await fetch(`${proxy}/anything`);
    expect(rootPage.headers.get("x-stack-service")).toBe("web");
    expect(await rootPage.json()).toMatchObject({ service: "web", version: 1, path: "/anything" });
    // /api still goes to the Python api, / to web: the most specific prefix wins.
    expect(JSON.parse((await getUntilOk(`${proxy}/api/x`)).body)).toMatchObject({ service: "api", path: "/x" });
    // The healthcheck made from --health-http passes in their image.
    const web = (await containers(project)).find((c) => c.service === "web");
    await expect.poll(async () => (await containers(project)).find((c) => c.service === "web")?.health, { timeout: 60_000 }).toBe("healthy");
    expect(web?.status).toBe("running");
  });

  it("an edit is watched: dev up rebuilds and restarts it, and the new code answers at /", async () => {
    // dev up saw the stack.yaml edit and watches the new service.
    await dev.waitFor(/^watching .*\bweb\b/, { timeoutMs: 60_000 });
    const from = dev.lines.length;
    await writeFile(join(root, "services", "web", "server.js"), serverJs(2));
    await dev.waitFor(/^web rebuilt and restarted in [\d.]+ s \(1 file\)/, { from, timeoutMs: 180_000 });
    const res = await fetch(`${proxy}/`);
    expect(await res.json()).toMatchObject({ service: "web", version: 2 });
  });

  it("a port the image does not listen on is reported with the one it does", async () => {
    const res = await sh("node", [DEV, "add", "service", "wrong", "--path", "services/wrong", "--port", "3000"], { cwd: root });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.stderr).toMatch(/wrong does not listen on port 3000; it listens on 3001/);
    expect(res.stderr).toMatch(/hint: set port: 3001 for wrong in stack\.yaml/);
  });

  it("bad input: exit 2, nothing written", async () => {
    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    const cases: [string[], RegExp][] = [
      [["--path", "../outside"], /--path: service "extra": path "\.\.\/outside" must stay inside the project/],
      [["--path", "services/missing"], /--path services\/missing does not exist[\s\S]*hint: create it from a template: add --template \(.*node-http/],
      [["--path", "services/notes"], /services\/notes exists but has no Dockerfile[\s\S]*--template/],
      [["--dockerfile", "services/web/Dockerfile.prod"], /--dockerfile services\/web\/Dockerfile\.prod does not exist/],
      [["--template", "node-http", "--dockerfile", "services/web/Dockerfile"], /--template and --dockerfile cannot be used together/],
    ];
    for (const [args, message] of cases) {
      const res = await sh("node", [DEV, "add", "service", "extra", ...args], { cwd: root });
      expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(2);
      expect(res.stderr, args.join(" ")).toMatch(message);
    }
    expect(await readFile(join(root, "stack.yaml"), "utf8")).toBe(stack);
    expect(await list(join(root, "services"))).toEqual(["api", "notes", "web", "wrong"]);
  });
});
