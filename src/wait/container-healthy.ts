import type { ContainerInfo, Engine } from "../engine/engine.js";
import { runtimeError, type StackError } from "../errors/stack-error.js";
import { seconds, type Readiness } from "./wait-for.js";

/**
 * Docker's own verdict: running and healthy (or just running, without a healthcheck). Exited,
 * dead or unhealthy is final, reported with the last health checks and log lines. Polled every
 * 25 ms: the status flips at a healthcheck interval, and every ms counts after a restart.
 */
export function containerHealthy(engine: Engine, id: string, hint = "fix the cause shown above, then run dev up again"): Readiness {
  let last: (ContainerInfo & { healthLog: string[] }) | undefined;
  const failure = async (why: string): Promise<StackError> => {
    const logs = await engine.logs(id, { tail: 15 }).catch(() => [] as string[]);
    const healthLog = last?.healthLog ?? [];
    return runtimeError("E_UNHEALTHY", `${last?.service || last?.name || id.slice(0, 12)} ${why}`, hint, [
      ...(healthLog.length ? ["last health checks:", ...healthLog.map((l) => `  ${l}`)] : []),
      "last log lines:",
      ...logs.map((l) => `  ${l}`),
    ]);
  };
  return {
    what: `container ${id.slice(0, 12)} healthy`,
    intervalMs: 25,
    async probe() {
      const info = (last = await engine.inspect(id));
      if (info.state === "running" && (info.health === "healthy" || info.health === "none")) return { ready: true };
      if (info.state === "exited" || info.state === "dead") return { ready: false, failed: await failure(`exited with code ${info.exitCode}`) };
      if (info.health === "unhealthy") return { ready: false, failed: await failure("is unhealthy") };
      return { ready: false };
    },
    timedOut: (ms) => failure(`was not healthy within ${seconds(ms)} (${last?.state ?? "?"}, ${last?.health ?? "?"})`),
  };
}
