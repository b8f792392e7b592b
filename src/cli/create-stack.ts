// The bin's entry: checks Node's version before anything that an old Node fails to load.
import { nodeVersionProblem } from "./node-version.js";

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem + "\n");
  process.exitCode = 1;
} else {
  await import("./create-stack-cli.js");
}
