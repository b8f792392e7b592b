import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { builtCliProblem } from "../support/built-cli.js";
import { findLeftovers, removeLeftovers } from "./leftovers.js";

/**
 * End-to-end tests run the built CLI against a real Docker engine with locally built images.
 * Fail early, saying what to run, rather than letting a test try a public registry.
 */
export default function setup(project: TestProject): () => void {
  // A missing or stale dist/ would test other code than src/ holds.
  const problem = builtCliProblem();
  if (problem) throw new Error(`${problem}: run \`npm run build\` (npm test does it for you)`);
  try {
    execFileSync("docker", ["info"], { stdio: "ignore" });
  } catch {
    throw new Error("no Docker engine answers: start one (bash test/images/ensure-engine.sh installs and starts it)");
  }
  const prefix = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";
  for (const name of ["postgres", "redis", "nginx", "python", "node", "python-extras", "rabbitmq", "caddy"]) {
    try {
      execFileSync("docker", ["image", "inspect", `${prefix}/${name}:latest`], { stdio: "ignore" });
    } catch {
      throw new Error(`test image ${prefix}/${name}:latest is missing: run \`npm run test-images\``);
    }
  }
  // Every name a test gives out carries this tag (uniqueName): at the end, anything on the engine
  // that still has it was left behind by a test. The run fails, listing it, and it is removed.
  const tag = `r${Math.random().toString(36).slice(2, 8)}`;
  project.provide("e2eRunTag", tag);
  return () => {
    const left = findLeftovers(tag);
    if (left.length === 0) return;
    removeLeftovers(left);
    console.error(`the end-to-end tests left these on the engine (removed now; a test's cleanup misses them):\n${left.map((l) => `  ${l.kind} ${l.name}`).join("\n")}`);
    // A throw here is only logged; the exit code is how the run fails.
    process.exitCode = 1;
  };
}
