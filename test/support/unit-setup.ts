import { ensureBuiltCli } from "./built-cli.js";

/**
 * The unit project's tests of the built CLIs run dist/: build it once, here, when it is missing
 * or older than src/, so no test skips itself or tests stale code.
 */
export default function setup(): void {
  ensureBuiltCli();
}
