import type { EngineEvent } from "../engine/engine.js";

export interface StackPresenceOptions {
  /** How many of the project's containers run now. */
  countRunning: () => Promise<number>;
  /** True while the watcher itself restarts or recreates something. */
  busy: () => boolean;
  /** Called once, when the stack was stopped by someone else. */
  onGone: () => void;
  /** Quiet time after the last stop before counting (a restart starts again within it). */
  settleMs?: number;
}

/**
 * Notices that the stack was stopped from elsewhere (`dev down`, `dev stop`, compose in another
 * terminal): after an intended stop, once things settle and nothing of the project runs any more.
 * The watcher then stops too instead of "restarting" services whose dependencies are gone.
 */
export class StackPresence {
  private timer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(private readonly opts: StackPresenceOptions) {}

  onEvent(e: EngineEvent): void {
    if (this.gone) return;
    if (e.action === "start" || e.action === "restart") {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (e.action !== "stop" && e.action !== "destroy") return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.opts.settleMs ?? 1500);
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    this.timer = undefined;
    if (this.gone) return;
    if (this.opts.busy()) {
      this.timer = setTimeout(() => void this.check(), this.opts.settleMs ?? 1500);
      return;
    }
    const running = await this.opts.countRunning().catch(() => 1);
    if (running === 0 && !this.timer && !this.gone) {
      this.gone = true;
      this.opts.onGone();
    }
  }
}
