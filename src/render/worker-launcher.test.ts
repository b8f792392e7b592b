import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The worker starter's worker.py, as create-stack writes it (the default fixture's copy): its
// dev-only flags go to `celery ... worker` only, never to beat or another subcommand, whatever
// the app is called. Run with the machine's python3 (the code needs nothing but the language).
const WORKER_PY = readFileSync(join(import.meta.dirname, "../../fixtures/default/expected/services/api/worker.py"), "utf8");
const code = WORKER_PY.slice(WORKER_PY.indexOf("OPTIONS_WITH_VALUE"), WORKER_PY.indexOf("def serve("));

function subcommand(args: string[]): string {
  return execFileSync("python3", ["-c", `${code}\nimport json, sys\nprint(subcommand(json.loads(sys.argv[1])))`, JSON.stringify(args)], { encoding: "utf8" }).trim();
}

describe("worker.py's dev flags (no mingle, no gossip) go to the worker subcommand only", () => {
  it.each([
    [["-A", "tasks", "worker", "--loglevel=INFO", "--concurrency=2"], "worker"],
    [["-A", "worker", "beat"], "beat"],
    [["--app=worker", "beat"], "beat"],
    [["-b", "redis://redis:6379/0", "-q", "worker"], "worker"],
    [["--workdir", "worker", "flower"], "flower"],
    [[], "None"],
  ])("celery %j: %s", (args, want) => {
    expect(subcommand(args)).toBe(want);
  });
});
