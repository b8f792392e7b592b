import type { Engine } from "../engine/engine.js";

/**
 * Whether the engine takes a new connection and answers within `timeoutMs`. A new one: a daemon
 * shutting down closes its API to new connections before it stops its containers, and may
 * still answer on connections kept alive from earlier calls.
 */
export function engineAnswers(engine: Engine, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const ping = engine.ping({ fresh: true }).then(
    () => true,
    () => false,
  );
  return Promise.race([ping, late]).finally(() => clearTimeout(timer));
}

/**
 * Asks the engine every `everyMs` until it answers (then `onAnswer`) or `waiting()` turns
 * false. Returns a function that stops asking.
 */
export function pollUntilAnswers(engine: Engine, o: { everyMs: number; timeoutMs?: number; waiting: () => boolean; onAnswer: () => void }): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    if (stopped || !o.waiting()) return;
    const answers = await engineAnswers(engine, o.timeoutMs);
    if (stopped || !o.waiting()) return;
    if (answers) o.onAnswer();
    else timer = setTimeout(() => void check(), o.everyMs);
  };
  timer = setTimeout(() => void check(), o.everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
