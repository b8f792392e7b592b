import { isStackError, StackError } from "../errors/stack-error.js";

// Engine (and compose quoting it): "Bind for 127.0.0.1:8080 failed: port is already allocated";
// without the userland proxy: "listen tcp4 127.0.0.1:8080: bind: address already in use".
const PORT_TAKEN = /port is already allocated|address already in use/i;
const PORT_IN = [/Bind for \S*:(\d+) failed/i, /listen \S+ \S*:(\d+): bind/i];

/** What fixes it, for every command that meets it. */
export const PORT_TAKEN_HINT = "`dev up` moves host ports other programs took to free ones (and updates .env); or stop the program holding it, or set the port in .env";

export function isPortTaken(text: string): boolean {
  return PORT_TAKEN.test(text);
}

/** The error `portTakenError` makes, wherever it comes from. */
export function isPortTakenError(err: unknown): err is StackError {
  return isStackError(err) && err.code === "E_PORT_TAKEN";
}

/** The host port the engine's words name, when they do. */
export function takenPort(text: string): number | undefined {
  for (const re of PORT_IN) {
    const m = re.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The hint, naming the .env line that sets the port when one does: what to change by hand. */
export function portTakenHint(port: number | undefined, env?: ReadonlyMap<string, string>): string {
  const key = port === undefined ? undefined : [...(env ?? [])].find(([k, v]) => k.endsWith("_PORT") && Number(v) === port)?.[0];
  return key ? PORT_TAKEN_HINT.replace("set the port in .env", `set ${key} in .env`) : PORT_TAKEN_HINT;
}

/** A known condition, not a bug: another program holds a host port the container publishes. */
export function portTakenError(what: string, text: string, cause?: unknown, env?: ReadonlyMap<string, string>): StackError {
  const port = takenPort(text);
  return new StackError({
    code: "E_PORT_TAKEN",
    message: `${what}: host port ${port ?? "(one it publishes)"} is taken by another program`,
    details: [text.trim().split("\n")[0]!.slice(0, 300)],
    hint: portTakenHint(port, env),
    exitCode: 1,
    cause,
  });
}
