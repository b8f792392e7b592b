import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { parseDocument } from "yaml";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevProcess } from "./dev-process.js";
import { CREATE_STACK, DEV, IMAGE_ARGS, cleanupDir, containers, envValue, removeProject, sh, tempDir, uniqueName } from "./support.js";

// The README's workflow: `dev up` watches while `dev add service` runs from a second terminal,
// here two at once, 20 rounds, on the smallest routed stack (python-http behind nginx).
const project = uniqueName("cs-e2e-addwatch");
const ROUNDS = Number(process.env.ADD_WATCH_ROUNDS ?? 20);
let root = "";
let up: DevProcess;

beforeAll(async () => {
  root = join(await tempDir(), project);
  const made = await sh("node", [CREATE_STACK, root, "--yes", "--proxy", "nginx", "--preset", "python-http", "--name", project, ...IMAGE_ARGS]);
  expect(made.code, made.stderr).toBe(0);
  // Host ports from a random block, not from 8000 up: other stacks on this engine probe the same
  // low ports at the same moment. dev add keeps a port .env already holds.
  // Health checks patient enough for a machine shared with other stacks (a slow answer is not
  // what this test is about).
  const stack = parseDocument(await readFile(join(root, "stack.yaml"), "utf8"));
  stack.setIn(["health", "timeout"], "20s");
  // Docker's own checks seldom: each is a Python process in its container, and 41 services
  // checked every second kept two cores busy with nothing else (later rounds ever slower). Nothing
  // here waits on them: dev add and dev up take a service as ready when its port answers.
  stack.setIn(["health", "interval"], "30s");
  stack.setIn(["health", "retries"], 60);
  await writeFile(join(root, "stack.yaml"), stack.toString());
  let env = await readFile(join(root, ".env"), "utf8");
  for (const key of ["API_PORT", "PROXY_PORT"]) env = env.replace(new RegExp(`^${key}=.*$`, "m"), `${key}=${await freePort()}`);
  for (let i = 0; i < ROUNDS; i++) for (const p of ["A", "B"]) env += `${p}${i}_PORT=${await freePort()}\n`;
  await writeFile(join(root, ".env"), env);
  up = new DevProcess(root, ["up"]);
  await up.waitFor(/^watching /, { timeoutMs: 300_000 });
});

afterAll(async () => {
  up?.kill();
  await removeProject(project);
  await cleanupDir(join(root, ".."));
});

/**
 * A free port below Linux's ephemeral range (32768 and up): a kernel-picked one can be handed out
 * again for an outgoing connection before the service that was given it starts.
 */
const given = new Set<number>();
let next = 20_000 + Math.floor(Math.random() * 10_000);
async function freePort(): Promise<number> {
  for (;;) {
    const port = next++;
    if (given.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) {
      given.add(port);
      return port;
    }
  }
}

/** The other add's output, dev up's last lines, the containers' states, the rounds' times. */
async function diagnose(results: { code: number; stdout: string; stderr: string }[], names: string[], rounds: string[]): Promise<string> {
  const adds = results.map((r, k) => `--- dev add service ${names[k]} (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  const states = (await containers(project).catch(() => [])).map((c) => `  ${c.service} ${c.id.slice(0, 12)} ${c.status}${c.health ? ` (${c.health})` : ""} started ${c.startedAt}`);
  return [...adds, "--- dev up's last 60 lines:", ...up.lines.slice(-60), "--- containers:", ...states, "--- rounds:", ...rounds].join("\n");
}

describe("dev add service while dev up watches", () => {
  it(`two at once, ${ROUNDS} rounds: every add succeeds, none is lost, each service is built and started once`, async () => {
    const proxy = `http://127.0.0.1:${envValue(await readFile(join(root, ".env"), "utf8"), "PROXY_PORT")}`;
    const added: string[] = [];
    const rounds: string[] = [];
    const firstSeen: Record<string, string> = {};
    for (let i = 0; i < ROUNDS; i++) {
      const names = [`a${i}`, `b${i}`];
      const t0 = Date.now();
      const results = await Promise.all(names.map((n) => sh("node", [DEV, "add", "service", n, "--route", `/${n}`], { cwd: root })));
      rounds.push(`round ${i}: ${((Date.now() - t0) / 1000).toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)}`);
      for (const [k, res] of results.entries()) {
        if (res.code !== 0 || !res.stdout.includes(`${names[k]} answers at `)) {
          // What a CI log needs to tell the cause: both adds' output, what dev up printed, every
          // container's state, and how long the rounds took at which load.
          const why = `round ${i} ${names[k]}: exit ${res.code}\n${res.stderr}${res.stdout}\n${await diagnose(results, names, rounds)}`;
          expect(res.code, why).toBe(0);
          expect(res.stdout, why).toMatch(new RegExp(`${names[k]} answers at `));
        }
      }
      added.push(...names);
      // Each new service's container as its own `dev add` left it: it must be neither recreated
      // nor restarted afterwards (by dev up's apply or by the watcher).
      for (const c of await containers(project)) if (names.includes(c.service)) firstSeen[c.service] = `${c.id}@${c.startedAt}`;
      // dev up applies the latest stack.yaml (saves coalesced) once each add has released the lock.
      await up.waitFor(new RegExp(`^stack\\.yaml applied: ${1 + added.length} services$`), { timeoutMs: 120_000 }).catch(async (err: Error) => {
        throw new Error(`round ${i}: ${err.message}\n${await diagnose([], [], rounds)}`);
      });
    }

    const stack = await readFile(join(root, "stack.yaml"), "utf8");
    const env = await readFile(join(root, ".env"), "utf8");
    const running = await containers(project);
    for (const name of added) {
      expect(stack).toMatch(new RegExp(`^ {2}${name}:$`, "m"));
      expect(env).toMatch(new RegExp(`^${name.toUpperCase()}_PORT=\\d+$`, "m"));
      expect(running.filter((c) => c.service === name).map((c) => c.status), name).toEqual(["running"]);
      const res = await fetch(`${proxy}/${name}/`, { headers: { connection: "close" } });
      expect(res.headers.get("x-stack-service"), name).toBe(name);
    }
    for (const name of added) {
      const c = running.find((x) => x.service === name)!;
      expect(`${c.id}@${c.startedAt}`, name).toBe(firstSeen[name]);
    }
    const output = up.lines.join("\n");
    // The watcher took none of the new files for a code change, and no apply failed.
    for (const name of added) expect(output).not.toMatch(new RegExp(`^${name} (rebuilt and )?restarted`, "m"));
    expect(output).not.toMatch(/^error: /m);
    expect(output).not.toContain("fix it and save again");
    // 40 image builds and starts, serialised by the project lock: minutes on a busy 2-core machine.
  }, 2_700_000);
});
