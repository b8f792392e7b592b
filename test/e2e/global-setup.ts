import { execFileSync } from "node:child_process";
import { builtCliProblem } from "../support/built-cli.js";

/**
 * End-to-end tests run the built CLI against a real Docker engine with locally built images.
 * Fail early, saying what to run, rather than letting a test try a public registry.
 */
export default function setup(): void {
  // A missing or stale dist/ would test other code than src/ holds.
  const problem = builtCliProblem();
  if (problem) throw new Error(`${problem}: run \`npm run build\` (npm test does it for you)`);
  try {
    execFileSync("docker", ["info"], { stdio: "ignore" });
  } catch {
    throw new Error("no Docker engine answers: start one (bash test/images/ensure-engine.sh installs and starts it)");
  }
  const prefix = process.env.TEST_IMAGE_PREFIX ?? "create-stack-test";
  for (const name of ["postgres", "redis", "nginx", "python", "node", "python-extras", "rabbitmq"]) {
    try {
      execFileSync("docker", ["image", "inspect", `${prefix}/${name}:latest`], { stdio: "ignore" });
    } catch {
      throw new Error(`test image ${prefix}/${name}:latest is missing: run \`npm run test-images\``);
    }
  }
}
