import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, EXTRAS_IMAGE_ARGS, cleanupDir, containers, removeProject, sh, tempDir, uniqueName } from "./support.js";

// What a watching dev up says about changes our own commands make from another terminal: theirs,
// not crashes or removals from outside. And Ctrl-C with a broker in the stack. (`dev add preset
// rabbitmq` on a running stack is reported the same way; not checked here: on a loaded machine
// its compose up fails on the broker's health check before the broker has booted.)
const project = uniqueName("cs-e2e-own-commands");
let root = "";
let dev: DevProcess;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const devCmd = (args: string[]) => sh("node", [DEV, ...args], { cwd: root, timeoutMs: 600_000 });
const OUTSIDE = /from outside|after a crash|crashed|Last lines/;

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--name", project, "--preset", "python-http,rabbitmq", "--proxy", "nginx", ...EXTRAS_IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  const envFile = join(root, ".env");
  let env = await readFile(envFile, "utf8");
  for (const [line, key] of env.matchAll(/^([A-Z0-9_]+_PORT)=\d+$/gm)) env = env.replace(line, `${key}=${await freePort()}`);
  await writeFile(envFile, env);
  dev = new DevProcess(root, ["up"]);
  await dev.waitFor(/^watching /, { timeoutMs: 300_000 });
});

afterAll(async () => {
  dev?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

describe("our own commands, seen by a watching dev up", () => {
  it("dev restart from another terminal is that command's restart, with no log dump", async () => {
    const from = dev.lines.length;
    const res = await devCmd(["restart", "api"]);
    expect(res.code, res.stderr).toBe(0);
    await dev.waitFor(/^api was stopped by dev restart api \(our own command, not a crash\)$/, { from, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 4000));
    expect(dev.lines.slice(from).join("\n")).not.toMatch(OUTSIDE);
  });

  it("Ctrl-C stops the stack at once, the broker cleanly on its stop signal (not killed after its timeout)", async () => {
    const t0 = Date.now();
    dev.interrupt();
    expect(await dev.exited).toBe(0);
    const seconds = (Date.now() - t0) / 1000;
    const line = dev.lines.find((l) => /stopped \(containers kept for a quick restart; dev down removes them\), in [\d.]+ s$/.test(l));
    expect(line, dev.lines.join("\n")).toBeDefined();
    const rabbit = (await containers(project)).find((c) => c.service === "rabbitmq")!;
    const exit = await sh("docker", ["inspect", "-f", "{{.State.ExitCode}}", rabbit.id]);
    expect(exit.stdout.trim(), `stopped in ${seconds} s`).toBe("0");
  });
});
