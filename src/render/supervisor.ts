import type { ResolvedService } from "../stack/resolve-services.js";
import { interpolateString } from "../presets/interpolate.js";
import { durationSeconds } from "../stack/duration.js";
import { escapeInterpolation } from "./compose-yaml.js";

/**
 * How `dev up` makes a service pick up a code change:
 * - process: the dev layer runs the app under a small POSIX sh supervisor; a SIGHUP sent through
 *   the Engine API restarts the app's process group in place. The container, its network
 *   namespace, IP and published ports stay, so a request sent meanwhile is refused at once
 *   rather than losing its SYN (which Linux retries only after a second).
 * - container: a restart through the Engine API (images without a shell, `reload: container`).
 * - self: the app reloads itself (`reload: true`); only a rebuild restarts it.
 */
export type ReloadMode = "process" | "container" | "self";

/** The signal `dev up` sends; the supervisor's trap turns it into a reload. */
export const RELOAD_SIGNAL = "SIGHUP";
/** As Docker's kill event reports it. */
export const RELOAD_SIGNAL_NUMBER = "1";
/** Marks a container command as ours; `dev up` checks for it before signalling. */
export const SUPERVISOR_MARK = "# create-stack supervisor";
/** The line the supervisor prints once the new process is started; $1 is the old one's exit code. */
// Found anywhere in a line: the app's new worker shares the output and may write part of a line of
// its own before or after it.
export const RELOADED_LINE = /create-stack: \S+ reloaded \(previous process exited with (\d+)\)/;
/**
 * An app that reloads itself on SIGHUP (e.g. a parent that keeps its imports and the listening
 * socket and forks a fresh worker per save, as the Django starter's serve.py does) writes its pid
 * into the file this variable names; from then on the supervisor passes each SIGHUP on to it
 * instead of restarting it, and the app prints RELOADED_LINE itself (with CREATE_STACK_SERVICE as
 * the name) once its new worker runs. A pid that is not the app's own (a wrapper's) is ignored.
 */
export const RELOAD_CLAIM_ENV = "CREATE_STACK_RELOAD_CLAIM";

// Runs "$@" as its own process group (setsid where present: util-linux and busybox have it; dash's
// job control needs a terminal), stdin kept. SIGHUP: TERM the app's main process, as `docker
// stop` would (a TERM to the whole group would reach Celery's pool children too and cut the
// running task short instead of a warm shutdown), KILL the group after the grace period, and once
// the main process is gone KILL whatever it left behind in its group; then start it again and
// say so with the old exit code. SIGTERM/SIGINT (docker stop, Ctrl-C):
// the same stop, then exit with the app's code. The app exiting by itself ends the supervisor
// with its code, so the container dies exactly as it would without us and crash handling stays.
// A HUP that arrives while stopping is absorbed: the process started next has the new code. A
// signal handled just before `wait` (the app had only just started) is seen by the check before it.
// An app that has claimed its reloads (its pid in the claim file, see RELOAD_CLAIM_ENV) gets the
// HUP instead and reports the reload itself; the claim is cleared before each start.
// (It starts with code, not its comment: a text starting with "#" is written quoted, unreadably.)
const SCRIPT = `name=$0 grace=$1; shift  ${SUPERVISOR_MARK} (dev layer only). Arguments: NAME GRACE_SECONDS COMMAND...
# Runs COMMAND as its own process group; SIGHUP restarts it in place, SIGTERM stops it.
exec 3<&0
export CREATE_STACK_SERVICE="$name" ${RELOAD_CLAIM_ENV}="\${TMPDIR:-/tmp}/create-stack-reload.$$"
start() { rm -f "$${RELOAD_CLAIM_ENV}"; if command -v setsid >/dev/null 2>&1; then setsid "$@" <&3 & else "$@" <&3 & fi; pid=$!; }
stop() {
  kill -TERM $pid 2>/dev/null
  ( trap 'kill $s; exit 0' TERM; sleep "$grace" & s=$!; wait $s; kill -KILL -$pid || kill -KILL $pid ) 2>/dev/null & timer=$!
  code=; while kill -0 $pid 2>/dev/null || [ -z "$code" ]; do wait $pid; code=$?; done
  kill $timer 2>/dev/null
  kill -KILL -$pid 2>/dev/null
}
sig=
trap 'sig=HUP' HUP
trap 'sig=TERM' TERM
trap 'sig=INT' INT
start "$@"
while :; do
  [ -n "$sig" ] || { wait $pid; code=$?; }
  case $sig in
    HUP) if [ "$(cat "$${RELOAD_CLAIM_ENV}" 2>/dev/null)" = "$pid" ]; then sig=; kill -HUP $pid; continue; fi
      stop; [ "$sig" = HUP ] && sig=; echo "create-stack: $name reloaded (previous process exited with $code)"; start "$@" ;;
    TERM|INT) stop; exit $code ;;
    *) kill -0 $pid 2>/dev/null || exit $code ;;
  esac
done
`;

/** The command the dev layer runs: the supervisor around the app's command (as compose should read it). */
export function supervisedCommand(service: string, graceSeconds: number, command: string[]): string[] {
  return ["sh", "-c", escapeInterpolation(SCRIPT), service, String(graceSeconds), ...command];
}

/** The raw script (tests run it with a local sh). */
export const SUPERVISOR_SCRIPT = SCRIPT;

/**
 * The app's command when we know it, as compose should read it: stack.yaml's (meant literally, so
 * `$` is escaped), the template's compose command, or what its image runs (the preset says).
 */
export function knownCommand(svc: ResolvedService): string[] | undefined {
  if (svc.command) return svc.command.map(escapeInterpolation);
  const preset = svc.preset;
  if (!preset) return undefined;
  const base = preset.layers.base?.services?.["{{name}}"] as { command?: unknown } | undefined;
  const command = Array.isArray(base?.command) ? base.command.map(String) : preset.defaults?.command;
  return command?.map((arg) => interpolateString(arg, svc.vars, `preset ${preset.name}`));
}

/** See ReloadMode. Only services `dev up` watches (templates with sources) get a supervisor. */
export function reloadModeOf(svc: ResolvedService): ReloadMode {
  if (svc.reload === true) return "self";
  if (svc.reload === "container" || (!svc.preset && !svc.adopted) || !svc.path) return "container";
  // An adopted service: only with the command its compose file runs, which adopt wrote down.
  if (svc.adopted && !svc.command) return "container";
  return knownCommand(svc) ? "process" : "container";
}

/** The stop timeout the stack declares (a worker gets time to finish its task), else Docker's 10 s. */
export function stopTimeoutOf(svc: ResolvedService): number {
  const fromPreset = (svc.preset?.layers.base?.services?.["{{name}}"] as { stop_grace_period?: string } | undefined)?.stop_grace_period;
  return durationSeconds(svc.stopGracePeriod ?? fromPreset) ?? 10;
}
