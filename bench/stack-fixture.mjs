// Shared by benchmarks that need a running stack: scaffold with the built CLI, start it with the
// compose CLI, tear it down. Test images stand in for registry images (see test/images/).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CREATE_STACK = fileURLToPath(new URL("../dist/bin/create-stack.js", import.meta.url));
export const DEV = fileURLToPath(new URL("../dist/bin/dev.js", import.meta.url));
const P = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";
export const IMAGE_ARGS = ["postgres:16", "redis:7", "nginx:1.27", "caddy:2.8", "python:3.12-slim"].flatMap((img) => [
  "--image",
  `${img}=${P}/${img.split(":")[0]}:latest`,
]);

export function composeCmd() {
  return spawnSync("docker", ["compose", "version"]).status === 0 ? ["docker", "compose"] : ["docker-compose"];
}

export function scaffold(name, args) {
  const parent = mkdtempSync(join(tmpdir(), "create-stack-bench-"));
  const root = join(parent, name);
  const interval = args.includes("--health-interval") ? [] : ["--health-interval", "1s"];
  execFileSync("node", [CREATE_STACK, root, "--yes", "--name", name, ...interval, ...IMAGE_ARGS, ...args], { stdio: "pipe" });
  moveHostPorts(root);
  return { root, parent, env: (key) => new RegExp(`^${key}=(.*)$`, "m").exec(readFileSync(join(root, ".env"), "utf8"))?.[1] };
}

/**
 * Random high host ports instead of the presets' defaults (8000, 5432, ...): on an engine shared
 * with other stacks, a default port freed for a moment by a container restart can be taken by
 * someone else's container, which fails the restart being measured.
 */
function moveHostPorts(root) {
  const file = join(root, ".env");
  const used = new Set();
  const pick = () => {
    let port;
    do port = 20000 + Math.floor(Math.random() * 30000);
    while (used.has(port) || !isFree(port));
    used.add(port);
    return port;
  };
  writeFileSync(file, readFileSync(file, "utf8").replace(/^([A-Z0-9_]+_PORT)=\d+$/gm, (_, key) => `${key}=${pick()}`));
}

function isFree(port) {
  const res = spawnSync(process.execPath, ["-e", `require("net").createServer().once("error",()=>process.exit(1)).listen(${port},"127.0.0.1",()=>process.exit(0))`]);
  return res.status === 0;
}

export function compose(root, args) {
  const [cmd, ...pre] = composeCmd();
  const res = spawnSync(cmd, [...pre, ...args], { cwd: root, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

export function destroy(fixture) {
  try {
    // --rmi local: the images compose built for this project go too (each run builds its own).
    compose(fixture.root, ["down", "-v", "--remove-orphans", "--rmi", "local"]);
  } finally {
    rmSync(fixture.parent, { recursive: true, force: true });
  }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls a URL until its body contains `marker`. By default each request gives up after 100 ms
 * and the next follows 5 ms later: a connection attempted while a container's network is being
 * re-created loses its SYN, which Linux retransmits only after 1 s, and one such request must not
 * stall the measurement. `{ requestTimeoutMs: 5000, retryMs: 20 }` is a user instead: one
 * request right after the save, sent again on an error or the old page, never cut short.
 */
export async function waitForBody(url, marker, timeoutMs = 60_000, { requestTimeoutMs = 100, retryMs = 5 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
      if ((await res.text()).includes(marker)) return;
    } catch {}
    await sleep(retryMs);
  }
  throw new Error(`${url} never answered with ${marker}`);
}
