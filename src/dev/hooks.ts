import { runtimeError } from "../errors/stack-error.js";
import type { DevContext } from "./dev-context.js";
import { failureLines } from "./compose-output.js";

/**
 * Runs the `after_start` hooks of the given services (stack.yaml order), each command with
 * `sh -c` in the service's running container, its output shown as it comes. The first failing
 * command stops that service's hooks and is thrown as E_HOOK.
 */
export async function runHooks(ctx: DevContext, services: string[], log: (line: string) => void): Promise<void> {
  const compose = await ctx.compose();
  for (const [name, svc] of Object.entries(ctx.project.parsed.config.services)) {
    if (!services.includes(name) || !svc.after_start?.length) continue;
    for (const cmd of svc.after_start) {
      log(`${name}: running hook: ${cmd}`);
      const res = await compose.run(["exec", "-T", name, "sh", "-c", cmd], { cwd: ctx.project.root, onLine: (line) => log(`  ${name} hook | ${line}`) });
      if (res.exitCode !== 0) {
        throw runtimeError(
          "E_HOOK",
          `the after_start hook of ${name} failed (exit ${res.exitCode}): ${cmd}`,
          `fix the command (stack.yaml services.${name}.after_start) or what it reports above; the service itself runs`,
          failureLines(res.combined, 5),
        );
      }
    }
  }
}

/** Services with hooks among `started` (all the project's when empty). */
export function servicesWithHooks(ctx: DevContext, started: string[]): string[] {
  return Object.entries(ctx.project.parsed.config.services)
    .filter(([name, svc]) => svc.after_start?.length && (started.length === 0 || started.includes(name)))
    .map(([name]) => name);
}
