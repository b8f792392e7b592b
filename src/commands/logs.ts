import { StackError, unknownServiceError } from "../errors/stack-error.js";
import type { DevContext } from "../dev/dev-context.js";
import { openDev } from "../dev/dev-context.js";
import { mergeByTime, parseTimestamped, type TimedLine } from "../dev/log-lines.js";

const COLOURS = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];

/**
 * `dev logs`: the services' lines in time order, prefixed with the service name, coloured on a
 * terminal. `-f` follows each service, not a container: across restarts and recreations it
 * re-attaches to the service's running container and goes on from the last line shown.
 */
export async function logs(args: { C: string; services: string[]; follow: boolean; tail: number }): Promise<void> {
  const ctx = await openDev(args.C);
  const all = await ctx.engine.listContainers(ctx.name, { all: true });
  const known = new Set(all.map((c) => c.service));
  const unknown = args.services.filter((s) => !known.has(s));
  if (unknown.length) {
    throw unknownServiceError(unknown, known, known.size ? `services with a container: ${[...known].join(", ")}` : "start the stack with: dev up");
  }
  const chosen = [...known].filter((s) => args.services.length === 0 || args.services.includes(s)).sort();
  const width = Math.max(...chosen.map((s) => s.length), 1);
  const colour = process.stdout.isTTY && !process.env.NO_COLOR;
  const prefix = (service: string) => {
    const label = `${service.padEnd(width)} |`;
    return colour ? `\x1b[${COLOURS[chosen.indexOf(service) % COLOURS.length]}m${label}\x1b[0m ` : `${label} `;
  };
  if (!args.follow) {
    const lists = await Promise.all(
      all
        .filter((c) => chosen.includes(c.service))
        .map(async (c) => (await ctx.engine.logs(c.id, { tail: args.tail, timestamps: true })).map((l) => ({ ...parseTimestamped(l), service: c.service }))),
    );
    for (const line of mergeByTime(lists)) process.stdout.write(prefix(line.service) + line.text + "\n");
    return;
  }
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await Promise.all(chosen.map((s) => followService(ctx, s, (text) => process.stdout.write(prefix(s) + text + "\n"), controller.signal, args.tail)));
}

/** Lines re-read after a restart to find where the output goes on (more were written if a burst outran the re-attach). */
const RECENT_LINES = 1000;

/** Follows one service until aborted, re-attaching after each restart without repeating or losing lines. */
export async function followService(ctx: DevContext, service: string, write: (text: string) => void, signal: AbortSignal, tail: number): Promise<void> {
  let last: TimedLine = { key: "", text: "" };
  let first = true;
  let waitingSince = 0;
  let told = false;
  while (!signal.aborted) {
    const list = await ctx.engine.listContainers(ctx.name, { service, all: true }).catch(() => []);
    const running = list.find((c) => c.state === "running");
    const target = running ?? (first ? list[0] : undefined);
    if (!target) {
      // A restart is back within moments; say something only when it stays down.
      waitingSince ||= Date.now();
      if (!told && Date.now() - waitingSince > 2000) write("(not running; waiting for it to start again, Ctrl-C to quit)");
      told ||= Date.now() - waitingSince > 2000;
      await sleep(300, signal);
      continue;
    }
    waitingSince = 0;
    told = false;
    // The engine does not always end a follow stream when the container restarts (a `docker
    // restart` can leave it open and silent): a new start time ends this attachment.
    const attached = new AbortController();
    const stopAttached = () => attached.abort();
    signal.addEventListener("abort", stopAttached, { once: true });
    const startedAt = (await ctx.engine.inspect(target.id).catch(() => undefined))?.startedAt;
    const watchStart = setInterval(() => {
      void ctx.engine.inspect(target.id).then(
        (c) => c.startedAt !== startedAt && attached.abort(),
        () => attached.abort(),
      );
    }, 500);
    await ctx.engine.followLogs(
      target.id,
      (raw) => {
        const line = parseTimestamped(raw);
        // `since` is inclusive: the last line shown comes again.
        if (line.key && (line.key < last.key || (line.key === last.key && line.text === last.text))) return;
        last = line;
        write(line.text);
      },
      attached.signal,
      // Not `since`: the engine (20.10) sends nothing when following a restarted container from a
      // time; the end of its log, with what was shown already dropped above, works everywhere.
      { tail: first ? tail : RECENT_LINES, timestamps: true },
    );
    clearInterval(watchStart);
    signal.removeEventListener("abort", stopAttached);
    first = false;
    // The stream ends when the container stops; a restart brings it back within moments.
    await sleep(running ? 100 : 300, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}
